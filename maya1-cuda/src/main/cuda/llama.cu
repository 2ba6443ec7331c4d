// Llama (Maya1 backbone) kernels: embedding, RMSNorm, GEMV (F32 / BF16 / Q8_0) for batch-1 and small-batch
// decode, a tensor-core (wmma, BF16 in / F32 accumulate) GEMM for prefill and batched decode, RoPE with the
// llama3-scaled frequencies (computed on the host), a KV cache with per-token (slot, position) addressing,
// split-K online-softmax attention, SiLU gate, and on-GPU sampling of the constrained candidate rows.
//
// Layouts: activations are row-major [tokens][features] float32. Linear weights are [out][in] row-major
// (Hugging Face). Q8_0 weights are re-packed on upload into int8 quants [out][in] plus f16 scales [out][in/32]
// (llama.cpp block semantics: value = scale * q). KV cache: [slot][layer][kvHead][ctx][headDim]; kernels get the
// layer's base pointer and the slot stride, so one prefill (one slot) and a batched decode step (one token per
// slot) use the same kernels.
#include "common.cuh"
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>

using namespace nvcuda;

#define LLAMA_MAXCOL 8
#define LLAMA_MAXHD_PER_LANE 8

__device__ __forceinline__ float bf16_lo(unsigned int w) { return __uint_as_float(w << 16); }
__device__ __forceinline__ float bf16_hi(unsigned int w) { return __uint_as_float(w & 0xffff0000u); }

// ---------------------------------------------------------------------------------------------------------------
// Embedding: out[t][:] = E[ids[t]][:] widened to float32. dtype 0 = F32, 1 = BF16, 2 = Q8_0 (quants + f16 scales).
extern "C" __global__ void llama_embed(const void* __restrict__ E, const __half* __restrict__ scales, int dtype,
                                       const int* __restrict__ ids, int D, float* __restrict__ out) {
    int t = blockIdx.y;
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= D) return;
    size_t row = (size_t)ids[t];
    float v;
    if (dtype == 0) {
        v = ((const float*)E)[row * D + i];
    } else if (dtype == 1) {
        v = __uint_as_float(((unsigned int)((const unsigned short*)E)[row * D + i]) << 16);
    } else {
        v = __half2float(scales[row * (D / 32) + i / 32]) * (float)((const signed char*)E)[row * D + i];
    }
    out[(size_t)t * D + i] = v;
}

// RMSNorm per row: y = w * (x / sqrt(mean(x^2) + eps)). grid = rows, block = 256.
extern "C" __global__ void llama_rmsnorm(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y,
                                         int D, float eps) {
    __shared__ float scratch[32];
    const float* xr = x + (size_t)blockIdx.x * D;
    float ss = 0.f;
    for (int i = threadIdx.x; i < D; i += blockDim.x) ss += xr[i] * xr[i];
    ss = block_sum(ss, scratch);
    float inv = 1.0f / sqrtf(ss / (float)D + eps);
    float* yr = y + (size_t)blockIdx.x * D;
    for (int i = threadIdx.x; i < D; i += blockDim.x) yr[i] = w[i] * (xr[i] * inv);
}

extern "C" __global__ void llama_to_bf16(const float* __restrict__ x, __nv_bfloat16* __restrict__ y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = __float2bfloat16_rn(x[i]);
}

// ---------------------------------------------------------------------------------------------------------------
// GEMV for ncol <= 8 input columns (batch-1 decode, small batched decode, exact-precision prefill in groups of 8):
//   out[n][r] = (resid ? resid[n][r] : 0) + sum_k W[rowStart + r][k] * x[n][k],   r < nRows
// One warp per output row, 8 rows per 256-thread block, 16-byte weight loads (HBM-bound).
// out and resid may alias (in-place residual add: each element is read and written by the same lane).

#define GEMV_PROLOGUE                                                                  \
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;                              \
    int r = blockIdx.x * 8 + warp;                                                     \
    if (r >= nRows) return;                                                            \
    float acc[LLAMA_MAXCOL];                                                           \
    _Pragma("unroll") for (int n = 0; n < LLAMA_MAXCOL; n++) acc[n] = 0.f;

#define GEMV_EPILOGUE                                                                  \
    _Pragma("unroll") for (int n = 0; n < LLAMA_MAXCOL; n++) {                         \
        if (n < ncol) {                                                                \
            float v = warp_sum(acc[n]);                                                \
            if (lane == 0) {                                                           \
                size_t oi = (size_t)n * outStride + r;                                 \
                out[oi] = (resid != nullptr ? resid[oi] : 0.f) + v;                    \
            }                                                                          \
        }                                                                              \
    }

extern "C" __global__ void __launch_bounds__(256) llama_gemv_f32(const float* __restrict__ W, int K, long long rowStart, int nRows,
                                                                 const float* __restrict__ x, int ncol,
                                                                 float* out, int outStride, const float* resid) {
    GEMV_PROLOGUE
    const float4* wr = (const float4*)(W + (size_t)(rowStart + r) * K);
    for (int k4 = lane; k4 < K / 4; k4 += 32) {
        float4 w = __ldg(wr + k4);
#pragma unroll
        for (int n = 0; n < LLAMA_MAXCOL; n++) {
            if (n < ncol) {
                float4 xv = *(const float4*)(x + (size_t)n * K + k4 * 4);
                acc[n] += w.x * xv.x + w.y * xv.y + w.z * xv.z + w.w * xv.w;
            }
        }
    }
    GEMV_EPILOGUE
}

extern "C" __global__ void __launch_bounds__(256) llama_gemv_bf16(const unsigned short* __restrict__ W, int K, long long rowStart,
                                                                  int nRows, const float* __restrict__ x, int ncol,
                                                                  float* out, int outStride, const float* resid) {
    GEMV_PROLOGUE
    const uint4* wr = (const uint4*)(W + (size_t)(rowStart + r) * K);
#pragma unroll 4
    for (int k8 = lane; k8 < K / 8; k8 += 32) {
        uint4 w = __ldg(wr + k8);
        float wf[8] = {bf16_lo(w.x), bf16_hi(w.x), bf16_lo(w.y), bf16_hi(w.y),
                       bf16_lo(w.z), bf16_hi(w.z), bf16_lo(w.w), bf16_hi(w.w)};
#pragma unroll
        for (int n = 0; n < LLAMA_MAXCOL; n++) {
            if (n < ncol) {
                const float4* xp = (const float4*)(x + (size_t)n * K + k8 * 8);
                float4 a = xp[0], b = xp[1];
                acc[n] += wf[0] * a.x + wf[1] * a.y + wf[2] * a.z + wf[3] * a.w
                        + wf[4] * b.x + wf[5] * b.y + wf[6] * b.z + wf[7] * b.w;
            }
        }
    }
    GEMV_EPILOGUE
}

extern "C" __global__ void __launch_bounds__(256) llama_gemv_q8(const signed char* __restrict__ Q, const __half* __restrict__ S, int K,
                                                                long long rowStart, int nRows, const float* __restrict__ x, int ncol,
                                                                float* out, int outStride, const float* resid) {
    GEMV_PROLOGUE
    size_t row = (size_t)(rowStart + r);
    const int4* qr = (const int4*)(Q + row * K);
    const __half* sr = S + row * (K / 32);
#pragma unroll 2
    for (int k16 = lane; k16 < K / 16; k16 += 32) {
        int4 q = __ldg(qr + k16);
        float sc = __half2float(sr[k16 >> 1]);
        int words[4] = {q.x, q.y, q.z, q.w};
        float wf[16];
#pragma unroll
        for (int i = 0; i < 4; i++) {
#pragma unroll
            for (int j = 0; j < 4; j++) wf[i * 4 + j] = (float)(signed char)(words[i] >> (8 * j));
        }
#pragma unroll
        for (int n = 0; n < LLAMA_MAXCOL; n++) {
            if (n < ncol) {
                const float4* xp = (const float4*)(x + (size_t)n * K + k16 * 16);
                float s = 0.f;
#pragma unroll
                for (int i = 0; i < 4; i++) {
                    float4 a = xp[i];
                    s += wf[i * 4] * a.x + wf[i * 4 + 1] * a.y + wf[i * 4 + 2] * a.z + wf[i * 4 + 3] * a.w;
                }
                acc[n] += sc * s;
            }
        }
    }
    GEMV_EPILOGUE
}

// ---------------------------------------------------------------------------------------------------------------
// Tensor-core GEMM (mma.sync through wmma, 16x16x16 BF16 -> F32):
//   out[t][o] = (resid ? resid[t][o] : 0) + sum_k X[t][k] * W[rowStart + o][k]     t < T, o < O
// X is BF16 [T][K]; K % 32 == 0. Block tile 64 x 64, 4 warps of 32 x 32, K step 32.
#define GEMM_BT 64
#define GEMM_BO 64
#define GEMM_BK 32
#define GEMM_PAD 8

template <bool Q8>
__device__ __forceinline__ void gemm_tc(const __nv_bfloat16* __restrict__ X, int T, int K,
                                        const void* __restrict__ Wv, const __half* __restrict__ S, long long rowStart, int O,
                                        float* out, int outStride, const float* resid) {
    __shared__ __align__(32) __nv_bfloat16 As[GEMM_BT][GEMM_BK + GEMM_PAD];
    __shared__ __align__(32) __nv_bfloat16 Bs[GEMM_BO][GEMM_BK + GEMM_PAD];
    __shared__ __align__(32) float Cs[GEMM_BT][GEMM_BO + 4];
    int tid = threadIdx.x, warp = tid >> 5;
    int wm = warp >> 1, wn = warp & 1;
    int t0 = blockIdx.y * GEMM_BT, o0 = blockIdx.x * GEMM_BO;

    wmma::fragment<wmma::accumulator, 16, 16, 16, float> c[2][2];
#pragma unroll
    for (int i = 0; i < 2; i++)
#pragma unroll
        for (int j = 0; j < 2; j++) wmma::fill_fragment(c[i][j], 0.f);

    for (int k0 = 0; k0 < K; k0 += GEMM_BK) {
        // A: 64 rows x 32 bf16 = 256 chunks of 8; 2 per thread
#pragma unroll
        for (int rep = 0; rep < 2; rep++) {
            int e = tid + rep * 128;
            int row = e >> 2, ch = e & 3;
            uint4 v = make_uint4(0, 0, 0, 0);
            if (t0 + row < T) v = *(const uint4*)(X + (size_t)(t0 + row) * K + k0 + ch * 8);
            *(uint4*)&As[row][ch * 8] = v;
        }
        if (!Q8) {
            const __nv_bfloat16* W = (const __nv_bfloat16*)Wv;
#pragma unroll
            for (int rep = 0; rep < 2; rep++) {
                int e = tid + rep * 128;
                int row = e >> 2, ch = e & 3;
                uint4 v = make_uint4(0, 0, 0, 0);
                if (o0 + row < O) v = __ldg((const uint4*)(W + (size_t)(rowStart + o0 + row) * K + k0 + ch * 8));
                *(uint4*)&Bs[row][ch * 8] = v;
            }
        } else {
            // one Q8_0 block (32 quants, one scale) per row and K step: thread = (row, half)
            const signed char* Q = (const signed char*)Wv;
            int row = tid >> 1, half = tid & 1;
            if (o0 + row < O) {
                size_t gr = (size_t)(rowStart + o0 + row);
                int4 q = __ldg((const int4*)(Q + gr * K + k0 + half * 16));
                float sc = __half2float(S[gr * (K / 32) + k0 / 32]);
                int words[4] = {q.x, q.y, q.z, q.w};
#pragma unroll
                for (int i = 0; i < 4; i++)
#pragma unroll
                    for (int j = 0; j < 4; j++)
                        Bs[row][half * 16 + i * 4 + j] = __float2bfloat16_rn(sc * (float)(signed char)(words[i] >> (8 * j)));
            } else {
#pragma unroll
                for (int i = 0; i < 16; i++) Bs[row][half * 16 + i] = __float2bfloat16_rn(0.f);
            }
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < GEMM_BK; kk += 16) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> a[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major> b[2];
#pragma unroll
            for (int i = 0; i < 2; i++) wmma::load_matrix_sync(a[i], &As[wm * 32 + i * 16][kk], GEMM_BK + GEMM_PAD);
#pragma unroll
            for (int j = 0; j < 2; j++) wmma::load_matrix_sync(b[j], &Bs[wn * 32 + j * 16][kk], GEMM_BK + GEMM_PAD);
#pragma unroll
            for (int i = 0; i < 2; i++)
#pragma unroll
                for (int j = 0; j < 2; j++) wmma::mma_sync(c[i][j], a[i], b[j], c[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 2; i++)
#pragma unroll
        for (int j = 0; j < 2; j++)
            wmma::store_matrix_sync(&Cs[wm * 32 + i * 16][wn * 32 + j * 16], c[i][j], GEMM_BO + 4, wmma::mem_row_major);
    __syncthreads();
    for (int e = tid; e < GEMM_BT * GEMM_BO; e += 128) {
        int row = e / GEMM_BO, col = e % GEMM_BO;
        int t = t0 + row, o = o0 + col;
        if (t < T && o < O) {
            size_t oi = (size_t)t * outStride + o;
            out[oi] = (resid != nullptr ? resid[oi] : 0.f) + Cs[row][col];
        }
    }
}

extern "C" __global__ void __launch_bounds__(128) llama_gemm_bf16(const __nv_bfloat16* __restrict__ X, int T, int K,
                                                                  const __nv_bfloat16* __restrict__ W, long long rowStart, int O,
                                                                  float* out, int outStride, const float* resid) {
    gemm_tc<false>(X, T, K, W, nullptr, rowStart, O, out, outStride, resid);
}

extern "C" __global__ void __launch_bounds__(128) llama_gemm_q8(const __nv_bfloat16* __restrict__ X, int T, int K,
                                                                const signed char* __restrict__ Q, const __half* __restrict__ S,
                                                                long long rowStart, int O, float* out, int outStride,
                                                                const float* resid) {
    gemm_tc<true>(X, T, K, Q, S, rowStart, O, out, outStride, resid);
}

// ---------------------------------------------------------------------------------------------------------------
// RoPE, rotate-half convention, in place on q [T][H*hd] and k [T][KV*hd]; angle = float(pos) * invFreq[j] in
// float32 like Hugging Face. grid = (T, H + KV), block = hd / 2.
extern "C" __global__ void llama_rope(float* q, float* k, const int* __restrict__ pos, int H, int KV, int hd,
                                      const float* __restrict__ invFreq) {
    int t = blockIdx.x, head = blockIdx.y, j = threadIdx.x;
    int half = hd / 2;
    if (j >= half) return;
    float* v = head < H ? q + ((size_t)t * H + head) * hd : k + ((size_t)t * KV + (head - H)) * hd;
    float ang = (float)pos[t] * invFreq[j];
    float c = cosf(ang), s = sinf(ang);
    float x1 = v[j], x2 = v[j + half];
    v[j] = x1 * c - x2 * s;
    v[j + half] = x2 * c + x1 * s;
}

// KV store: cache element (slot, kvHead, position, d) at slot * slotStride + (kvHead * ctx + position) * hd + d,
// relative to this layer's base pointer. grid = (T, KV), block = hd.
extern "C" __global__ void llama_kv_store_f32(const float* __restrict__ k, const float* __restrict__ v, const int* __restrict__ slot,
                                              const int* __restrict__ pos, int KV, int hd, float* kc, float* vc,
                                              long long slotStride, int ctx) {
    int t = blockIdx.x, h = blockIdx.y, d = threadIdx.x;
    if (d >= hd) return;
    size_t dst = (size_t)slot[t] * slotStride + ((size_t)h * ctx + pos[t]) * hd + d;
    size_t src = ((size_t)t * KV + h) * hd + d;
    kc[dst] = k[src];
    vc[dst] = v[src];
}

extern "C" __global__ void llama_kv_store_bf16(const float* __restrict__ k, const float* __restrict__ v, const int* __restrict__ slot,
                                               const int* __restrict__ pos, int KV, int hd, __nv_bfloat16* kc, __nv_bfloat16* vc,
                                               long long slotStride, int ctx) {
    int t = blockIdx.x, h = blockIdx.y, d = threadIdx.x;
    if (d >= hd) return;
    size_t dst = (size_t)slot[t] * slotStride + ((size_t)h * ctx + pos[t]) * hd + d;
    size_t src = ((size_t)t * KV + h) * hd + d;
    kc[dst] = __float2bfloat16_rn(k[src]);
    vc[dst] = __float2bfloat16_rn(v[src]);
}

// ---------------------------------------------------------------------------------------------------------------
// Attention, split over the keys (flash-decoding): grid = (H, nSplit, T), block = 128 (4 warps, one key per warp
// at a time, online softmax). Query token t (position pos[t], cache slot slot[t]) attends keys 0..pos[t].
// partial[((t * H + h) * nSplit + s) * (hd + 2)] = {max, sum, acc[hd]}; llama_attn_combine finishes.
__device__ __forceinline__ float kv_load(const float* p, size_t i) { return p[i]; }
__device__ __forceinline__ float kv_load(const __nv_bfloat16* p, size_t i) { return __bfloat162float(p[i]); }

template <typename KT>
__device__ __forceinline__ void attn_partial(const float* __restrict__ q, const KT* __restrict__ kc, const KT* __restrict__ vc,
                                             long long slotStride, int ctx, const int* __restrict__ slot, const int* __restrict__ pos,
                                             int H, int KV, int hd, int chunk, float scale, float* __restrict__ partial) {
    __shared__ float sm[4], sl[4];
    __shared__ float sacc[4][32 * LLAMA_MAXHD_PER_LANE];
    int h = blockIdx.x, s = blockIdx.y, t = blockIdx.z, nSplit = gridDim.y;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int nKeys = pos[t] + 1;
    int kBeg = s * chunk, kEnd = min(nKeys, kBeg + chunk);
    int kvh = h / (H / KV);
    size_t base = (size_t)slot[t] * slotStride + (size_t)kvh * ctx * hd;
    const KT* K = kc + base;
    const KT* V = vc + base;
    const float* qr = q + ((size_t)t * H + h) * hd;
    float qd[LLAMA_MAXHD_PER_LANE], acc[LLAMA_MAXHD_PER_LANE];
#pragma unroll
    for (int i = 0; i < LLAMA_MAXHD_PER_LANE; i++) {
        int d = lane + 32 * i;
        qd[i] = d < hd ? qr[d] : 0.f;
        acc[i] = 0.f;
    }
    float m = __int_as_float(0xff800000), l = 0.f;
    for (int key = kBeg + warp; key < kEnd; key += 4) {
        float dot = 0.f;
#pragma unroll
        for (int i = 0; i < LLAMA_MAXHD_PER_LANE; i++) {
            int d = lane + 32 * i;
            if (d < hd) dot += qd[i] * kv_load(K, (size_t)key * hd + d);
        }
        dot = warp_sum(dot) * scale;
        float nm = fmaxf(m, dot);
        float corr = expf(m - nm);
        float p = expf(dot - nm);
        l = l * corr + p;
#pragma unroll
        for (int i = 0; i < LLAMA_MAXHD_PER_LANE; i++) {
            int d = lane + 32 * i;
            if (d < hd) acc[i] = acc[i] * corr + p * kv_load(V, (size_t)key * hd + d);
        }
        m = nm;
    }
    if (lane == 0) { sm[warp] = m; sl[warp] = l; }
#pragma unroll
    for (int i = 0; i < LLAMA_MAXHD_PER_LANE; i++) sacc[warp][lane + 32 * i] = acc[i];
    __syncthreads();
    float M = fmaxf(fmaxf(sm[0], sm[1]), fmaxf(sm[2], sm[3]));
    float* rec = partial + (((size_t)t * H + h) * nSplit + s) * (hd + 2);
    if (threadIdx.x == 0) {
        float L = 0.f;
        if (l > 0.f || sl[1] > 0.f || sl[2] > 0.f || sl[3] > 0.f) {
            for (int w = 0; w < 4; w++) if (sl[w] > 0.f) L += sl[w] * expf(sm[w] - M);
        }
        rec[0] = M;
        rec[1] = L;
    }
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        float a = 0.f;
        for (int w = 0; w < 4; w++) if (sl[w] > 0.f) a += sacc[w][d] * expf(sm[w] - M);
        rec[2 + d] = a;
    }
}

extern "C" __global__ void __launch_bounds__(128) llama_attn_f32(const float* q, const float* kc, const float* vc, long long slotStride,
                                                                 int ctx, const int* slot, const int* pos, int H, int KV, int hd,
                                                                 int chunk, float scale, float* partial) {
    attn_partial<float>(q, kc, vc, slotStride, ctx, slot, pos, H, KV, hd, chunk, scale, partial);
}

extern "C" __global__ void __launch_bounds__(128) llama_attn_bf16(const float* q, const __nv_bfloat16* kc, const __nv_bfloat16* vc,
                                                                  long long slotStride, int ctx, const int* slot, const int* pos,
                                                                  int H, int KV, int hd, int chunk, float scale, float* partial) {
    attn_partial<__nv_bfloat16>(q, kc, vc, slotStride, ctx, slot, pos, H, KV, hd, chunk, scale, partial);
}

// out[t][h*hd + d] = sum_s e^(m_s - M) acc_s[d] / sum_s e^(m_s - M) l_s. grid = (H, T), block = 128.
extern "C" __global__ void llama_attn_combine(const float* __restrict__ partial, int H, int hd, int nSplit, float* __restrict__ out) {
    int h = blockIdx.x, t = blockIdx.y;
    const float* rec = partial + ((size_t)t * H + h) * nSplit * (hd + 2);
    float M = __int_as_float(0xff800000);
    for (int s = 0; s < nSplit; s++) if (rec[s * (hd + 2) + 1] > 0.f) M = fmaxf(M, rec[s * (hd + 2)]);
    float L = 0.f;
    for (int s = 0; s < nSplit; s++) {
        float l = rec[s * (hd + 2) + 1];
        if (l > 0.f) L += l * expf(rec[s * (hd + 2)] - M);
    }
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        float a = 0.f;
        for (int s = 0; s < nSplit; s++) {
            const float* r = rec + s * (hd + 2);
            if (r[1] > 0.f) a += r[2 + d] * expf(r[0] - M);
        }
        out[((size_t)t * H + h) * hd + d] = a / L;
    }
}

// act[i] = silu(gate[i]) * up[i]
extern "C" __global__ void llama_silu_mul(const float* __restrict__ gate, const float* __restrict__ up, float* __restrict__ act,
                                          long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float g = gate[i];
        act[i] = (g / (1.0f + expf(-g))) * up[i];
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Sampling over the computed candidate rows, in Hugging Face order: repetition penalty (ids seen in prompt and
// output), temperature, top-k, top-p, min-p; then one draw from a counter-based uniform keyed by (seed, step).
// Candidates: i < n0 -> global id rowStart0 + i; i == n0 (when nExtra == 1) -> extraId (CODE_END).
// Only the chosen id leaves the GPU (*outId); seen[id] is set for the next step's repetition penalty.
// bannedId (or -1) gets logit -inf (min_new_tokens).
// Greedy (temperature 0): argmax with ties to the lowest global id, like torch.argmax over the full vocabulary.
// One block of 1024 threads. logits are overwritten.
__device__ __forceinline__ int cand_id(int i, int n0, int rowStart0, int extraId) { return i < n0 ? rowStart0 + i : extraId; }

__device__ float count_ge(const float* p, int n, float tau, float keepFloor, float* scratch, bool mass) {
    float c = 0.f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float v = p[i];
        if (v >= tau && v >= keepFloor) c += mass ? v : 1.f;
    }
    return block_sum(c, scratch);
}

__device__ float mass_le(const float* p, int n, float tau, float keepFloor, float* scratch) {
    float c = 0.f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float v = p[i];
        if (v >= keepFloor && v <= tau) c += v;
    }
    return block_sum(c, scratch);
}

extern "C" __global__ void __launch_bounds__(1024) llama_sample(float* logits, int n0, int rowStart0, int nExtra, int extraId,
                                                               int bannedId, unsigned char* seen, float temperature, float topP, int topK,
                                                               float minP, float repPenalty, unsigned long long seed,
                                                               long long step, int* outId) {
    __shared__ float scratch[32];
    __shared__ float scan[1024];
    __shared__ int sid[32];
    __shared__ float sval[32];
    int n = n0 + nExtra;
    int tid = threadIdx.x;
    // 1. repetition penalty
    for (int i = tid; i < n; i += blockDim.x) {
        float l = logits[i];
        int g = cand_id(i, n0, rowStart0, extraId);
        if (repPenalty != 1.f && seen[g]) l = l > 0.f ? l / repPenalty : l * repPenalty;
        if (g == bannedId) l = __int_as_float(0xff800000); // e.g. CODE_END before min_new_tokens
        logits[i] = l;
    }
    __syncthreads();
    if (temperature == 0.f) {
        float bv = __int_as_float(0xff800000);
        int bid = 0x7fffffff;
        for (int i = tid; i < n; i += blockDim.x) {
            float l = logits[i];
            int g = cand_id(i, n0, rowStart0, extraId);
            if (l > bv || (l == bv && g < bid)) { bv = l; bid = g; }
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) {
            float ov = __shfl_xor_sync(0xffffffffu, bv, o);
            int oid = __shfl_xor_sync(0xffffffffu, bid, o);
            if (ov > bv || (ov == bv && oid < bid)) { bv = ov; bid = oid; }
        }
        if ((tid & 31) == 0) { sval[tid >> 5] = bv; sid[tid >> 5] = bid; }
        __syncthreads();
        if (tid == 0) {
            int nw = (blockDim.x + 31) >> 5;
            for (int w = 1; w < nw; w++)
                if (sval[w] > bv || (sval[w] == bv && sid[w] < bid)) { bv = sval[w]; bid = sid[w]; }
            *outId = bid;
            seen[bid] = 1;
        }
        return;
    }
    // 2. temperature and softmax numerators p = exp(l/T - max)
    float lm = __int_as_float(0xff800000);
    for (int i = tid; i < n; i += blockDim.x) {
        float l = logits[i] / temperature;
        logits[i] = l;
        lm = fmaxf(lm, l);
    }
    float M = block_max(lm, scratch);
    for (int i = tid; i < n; i += blockDim.x) logits[i] = expf(logits[i] - M);
    __syncthreads();
    float floorP = 0.f; // keep p >= floorP
    // 3. top-k: the largest tau with count(p >= tau) >= k (ties at the k-th value are kept, as in HF)
    if (topK > 0 && topK < n) {
        unsigned int lo = 0u, hi = 0x3f800001u;
        while (hi - lo > 1u) {
            unsigned int mid = lo + ((hi - lo) >> 1);
            if (count_ge(logits, n, __uint_as_float(mid), 0.f, scratch, false) >= (float)topK) lo = mid; else hi = mid;
        }
        floorP = __uint_as_float(lo);
    }
    // 4. top-p: keep p >= tau, tau the smallest value with mass(p <= tau) > (1 - topP) * Z (HF removes the
    //    ascending-sorted prefix whose cumulative probability is <= 1 - top_p)
    if (topP < 1.f) {
        float Z = count_ge(logits, n, 0.f, floorP, scratch, true);
        float target = (1.f - topP) * Z;
        unsigned int lo = 0u, hi = 0x3f800000u;
        while (hi - lo > 1u) {
            unsigned int mid = lo + ((hi - lo) >> 1);
            if (mass_le(logits, n, __uint_as_float(mid), floorP, scratch) > target) hi = mid; else lo = mid;
        }
        floorP = fmaxf(floorP, __uint_as_float(hi));
    }
    // 5. min-p relative to the top probability (p_max = 1 here)
    if (minP > 0.f) floorP = fmaxf(floorP, minP);
    // 6. inverse-CDF draw in candidate order: contiguous segments per thread, block scan of segment sums
    int seg = (n + blockDim.x - 1) / blockDim.x;
    int beg = min(n, tid * seg), end = min(n, beg + seg);
    float local = 0.f;
    int lastKept = -1;
    for (int i = beg; i < end; i++) {
        float v = logits[i];
        if (v >= floorP && v > 0.f) { local += v; lastKept = i; }
    }
    scan[tid] = local;
    __syncthreads();
    for (int off = 1; off < (int)blockDim.x; off <<= 1) {
        float add = tid >= off ? scan[tid - off] : 0.f;
        __syncthreads();
        scan[tid] += add;
        __syncthreads();
    }
    float total = scan[blockDim.x - 1];
    float incl = scan[tid];
    float excl = incl - local;
    double u = maya1_unit(maya1_mix64(seed + MAYA1_GOLDEN_GAMMA * (unsigned long long)(step + 1)));
    float target = (float)(u * (double)total);
    // fallback: the last kept candidate (target beyond the rounded total)
    int lk = lastKept;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) lk = max(lk, __shfl_xor_sync(0xffffffffu, lk, o));
    if ((tid & 31) == 0) sid[tid >> 5] = lk;
    __syncthreads();
    if (tid == 0) {
        int m2 = -1;
        for (int w = 0; w < (int)((blockDim.x + 31) >> 5); w++) m2 = max(m2, sid[w]);
        scratch[0] = __int_as_float(m2);
        sid[0] = -1;
    }
    __syncthreads();
    if (local > 0.f && target >= excl && target < incl) {
        float acc = excl;
        int pick = lastKept;
        for (int i = beg; i < end; i++) {
            float v = logits[i];
            if (v >= floorP && v > 0.f) {
                acc += v;
                if (target < acc) { pick = i; break; }
            }
        }
        sid[0] = pick; // exactly one thread owns the target
    }
    __syncthreads();
    if (tid == 0) {
        int pick = sid[0] >= 0 ? sid[0] : __float_as_int(scratch[0]);
        if (pick < 0) pick = 0;
        int g = cand_id(pick, n0, rowStart0, extraId);
        *outId = g;
        seen[g] = 1;
    }
}

// Marks prompt ids as seen (repetition penalty covers prompt and output).
extern "C" __global__ void llama_mark_seen(unsigned char* seen, const int* __restrict__ ids, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) seen[ids[i]] = 1;
}
