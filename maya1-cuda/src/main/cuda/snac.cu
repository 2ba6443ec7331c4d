// SNAC 24 kHz decoder kernels (float32 throughout, parity target 1e-4 against the golden data).
//
// Activations are channels-first rings: element (b, c, pos) of a ring with capacity `cap` lives at
// ((b * C + c) * cap + pos % cap). Positions are absolute sample indices at the layer's own rate, so the same
// kernels serve the offline decode (one push + flush) and the exact streaming decode (per-layer context kept on
// the GPU: each layer's input ring keeps just the left context its kernel needs). A convolution input is zero
// outside [0, nValid) (SNAC pads with zeros on both sides; at the right edge only after flush).
//
// Weight layouts (prepared on the host, weight norm already folded):
//   codebooks [4096][8]; out_proj W [768][8]; depthwise W [C][7]; 1x1 W [Co][Ci];
//   transposed conv W [K][Co][Ci] (re-ordered from PyTorch's [Ci][Co][K]); final conv W [Ci][7].
#include "common.cuh"

#define SNAC_BM 64
#define SNAC_BN 64
#define SNAC_BK 16

__device__ __forceinline__ float snac_snake(float x, float alpha) {
    float s = sinf(alpha * x);
    return x + (1.0f / (alpha + 1e-9f)) * (s * s);
}

// Counter-based N(0,1) noise of the NoiseBlocks, the same function as the CPU decoder's
// (ai.maya1.vocoder.snac.NoiseSource.Counter): keyed by (seed, block 0..3 = decoder.model.2..5, batch item,
// absolute position at the block's rate), so audio does not depend on chunking and the java and cuda backends
// give the same seeded audio. Box-Muller in double precision. Java twin: ai.maya1.cuda.snac.SnacNoise.
__device__ __forceinline__ float snac_noise(unsigned long long seed, int block, int item, long long pos) {
    unsigned long long key = maya1_mix64(maya1_mix64(seed ^ (MAYA1_GOLDEN_GAMMA * (unsigned long long)(block + 1)))
                                         + 0xD1B54A32D192ED03ULL * (unsigned long long)(item + 1));
    unsigned long long h1 = maya1_mix64(key + MAYA1_GOLDEN_GAMMA * (unsigned long long)(pos + 1));
    unsigned long long h2 = maya1_mix64(h1 ^ 0x632BE59BD9B4E019ULL);
    double u1 = (double)((h1 >> 11) + 1ULL) * 1.1102230246251565e-16; // (0, 1]
    double u2 = maya1_unit(h2);                                        // [0, 1)
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

__device__ __forceinline__ size_t ring_at(int b, int c, int C, int cap, long long pos) {
    return ((size_t)b * C + c) * (size_t)cap + (size_t)(pos % cap);
}

// Quantizer side: codebook lookup, out_proj (8 -> C), repeat-interleave by the level stride, sum of the 3 levels.
// codes: [B][F] level 0, then [B][2F] level 1, then [B][4F] level 2 (F = frames in this push).
// Output: latent ring positions [4*frame0, 4*frame0 + 4F).
extern "C" __global__ void snac_latent(const int* __restrict__ codes, int B, int F,
                                       const float* __restrict__ cb0, const float* __restrict__ cb1, const float* __restrict__ cb2,
                                       const float* __restrict__ w0, const float* __restrict__ w1, const float* __restrict__ w2,
                                       const float* __restrict__ bias0, const float* __restrict__ bias1, const float* __restrict__ bias2,
                                       float* __restrict__ out, int C, int cap, long long latentStart) {
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int o = blockIdx.y;
    int b = blockIdx.z;
    if (t >= 4 * F) return;
    const int* c0 = codes + (size_t)b * F;
    const int* c1 = codes + (size_t)B * F + (size_t)b * 2 * F;
    const int* c2 = codes + (size_t)B * 3 * F + (size_t)b * 4 * F;
    const float* e0 = cb0 + (size_t)c0[t >> 2] * 8;
    const float* e1 = cb1 + (size_t)c1[t >> 1] * 8;
    const float* e2 = cb2 + (size_t)c2[t] * 8;
    float p0 = 0.f, p1 = 0.f, p2 = 0.f;
#pragma unroll
    for (int c = 0; c < 8; c++) {
        p0 += w0[o * 8 + c] * e0[c];
        p1 += w1[o * 8 + c] * e1[c];
        p2 += w2[o * 8 + c] * e2[c];
    }
    float z = (bias0[o] + p0) + (bias1[o] + p1);
    z = z + (bias2[o] + p2);
    out[ring_at(b, o, C, cap, latentStart + t)] = z;
}

// Depthwise conv, kernel 7, dilation d, padding 3d, optional Snake on the input (alpha == nullptr: none).
extern "C" __global__ void snac_dwconv7(const float* __restrict__ in, int capIn, long long nValid,
                                        const float* __restrict__ alpha, const float* __restrict__ w, const float* __restrict__ bias,
                                        float* __restrict__ out, int capOut, long long outStart, int count, int C, int d) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int c = blockIdx.y;
    int b = blockIdx.z;
    if (i >= count) return;
    long long t = outStart + i;
    float a = alpha != nullptr ? alpha[c] : 0.f;
    float acc = bias[c];
#pragma unroll
    for (int k = 0; k < 7; k++) {
        long long p = t + (long long)(k - 3) * d;
        if (p >= 0 && p < nValid) {
            float x = in[ring_at(b, c, C, capIn, p)];
            if (alpha != nullptr) x = snac_snake(x, a);
            acc += w[c * 7 + k] * x;
        }
    }
    out[ring_at(b, c, C, capOut, t)] = acc;
}

// 1x1 convolution as a tiled SGEMM over (out channel, position), with fused prologue and epilogue:
//   acc = sum_c W[o][c] * f(in[b][c][t])          f = Snake(alpha) when alpha != nullptr
//   v   = acc + bias[o]                            (bias may be nullptr)
//   v   = v * n(b, t)                              NoiseBlock (y = x + n * linear(x)): noiseMode 1 draws
//                                                  n = noise(seed, block, item0 + b, t); noiseMode 2 reads
//                                                  n = noiseIn[(item0 + b) * noiseStride + t] (golden tests)
//   v   = v + resid[b][o][t]                       when resid != nullptr (residual skip / NoiseBlock input)
// Inputs in [start, start + count) must be valid (pointwise: no padding).
extern "C" __global__ void __launch_bounds__(256) snac_pointwise(
        const float* __restrict__ W, const float* __restrict__ bias,
        const float* __restrict__ in, int capIn, const float* __restrict__ alpha,
        const float* resid, int capResid,
        int noiseMode, unsigned long long seed, int noiseBlock, int item0, const float* __restrict__ noiseIn,
        long long noiseStride, float* out, int capOut, long long start, int count, int Ci, int Co) {
    __shared__ float As[SNAC_BK][SNAC_BM + 4];
    __shared__ float Bs[SNAC_BK][SNAC_BN + 4];
    int b = blockIdx.z;
    int o0 = blockIdx.y * SNAC_BM;
    int n0 = blockIdx.x * SNAC_BN;
    int tid = threadIdx.x;
    int tx = tid & 15, ty = tid >> 4;
    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] = 0.f;

    for (int k0 = 0; k0 < Ci; k0 += SNAC_BK) {
#pragma unroll
        for (int r = 0; r < 4; r++) {
            int e = tid + r * 256;       // 0..1023
            int m = e >> 4, k = e & 15;  // A tile: 64 rows x 16 k
            int o = o0 + m, c = k0 + k;
            As[k][m] = (o < Co && c < Ci) ? W[(size_t)o * Ci + c] : 0.f;
            int kk = e >> 6, n = e & 63; // B tile: 16 k x 64 positions
            int cc = k0 + kk, col = n0 + n;
            float x = 0.f;
            if (cc < Ci && col < count) {
                x = in[ring_at(b, cc, Ci, capIn, start + col)];
                if (alpha != nullptr) x = snac_snake(x, alpha[cc]);
            }
            Bs[kk][n] = x;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < SNAC_BK; k++) {
            float a[4], bb[4];
#pragma unroll
            for (int i = 0; i < 4; i++) a[i] = As[k][ty * 4 + i];
#pragma unroll
            for (int j = 0; j < 4; j++) bb[j] = Bs[k][tx * 4 + j];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] += a[i] * bb[j];
        }
        __syncthreads();
    }
#pragma unroll
    for (int j = 0; j < 4; j++) {
        int col = n0 + tx * 4 + j;
        if (col >= count) continue;
        long long t = start + col;
        float n = noiseMode == 1 ? snac_noise(seed, noiseBlock, item0 + b, t)
                : noiseMode == 2 ? noiseIn[(size_t)(item0 + b) * noiseStride + t] : 1.f;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            int o = o0 + ty * 4 + i;
            if (o >= Co) continue;
            float v = acc[i][j];
            if (bias != nullptr) v += bias[o];
            if (noiseMode != 0) v *= n;
            if (resid != nullptr) v += resid[ring_at(b, o, Co, capResid, t)];
            out[ring_at(b, o, Co, capOut, t)] = v;
        }
    }
}

// Transposed conv with kernel 2s, stride s, padding p (output_padding 0), Snake(alpha) on the input.
// For output t: u = t + p, j = u / s, phase = u % s; y = bias + sum_c W[phase][o][c] x[c][j] + W[phase+s][o][c] x[c][j-1].
// Each grid.z slice handles one (batch item, phase) as a tiled GEMM over (o, j).
extern "C" __global__ void __launch_bounds__(256) snac_tconv(
        const float* __restrict__ Wt, const float* __restrict__ bias,
        const float* __restrict__ in, int capIn, long long nValid, const float* __restrict__ alpha,
        float* __restrict__ out, int capOut, long long outStart, int count, int Ci, int Co, int s, int p, int B) {
    __shared__ float A0[SNAC_BK][SNAC_BM + 4];
    __shared__ float A1[SNAC_BK][SNAC_BM + 4];
    __shared__ float B0[SNAC_BK][SNAC_BN + 4];
    __shared__ float B1[SNAC_BK][SNAC_BN + 4];
    int b = blockIdx.z % B;
    int phase = blockIdx.z / B;
    int o0 = blockIdx.y * SNAC_BM;
    long long jLo = (outStart + p) / s;
    long long j0 = jLo + (long long)blockIdx.x * SNAC_BN;
    int tid = threadIdx.x;
    int tx = tid & 15, ty = tid >> 4;
    const float* W0 = Wt + (size_t)phase * Co * Ci;
    const float* W1 = Wt + (size_t)(phase + s) * Co * Ci;
    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] = 0.f;

    for (int k0 = 0; k0 < Ci; k0 += SNAC_BK) {
#pragma unroll
        for (int r = 0; r < 4; r++) {
            int e = tid + r * 256;
            int m = e >> 4, k = e & 15;
            int o = o0 + m, c = k0 + k;
            bool okA = o < Co && c < Ci;
            A0[k][m] = okA ? W0[(size_t)o * Ci + c] : 0.f;
            A1[k][m] = okA ? W1[(size_t)o * Ci + c] : 0.f;
            int kk = e >> 6, n = e & 63;
            int cc = k0 + kk;
            long long j = j0 + n;
            float x0 = 0.f, x1 = 0.f;
            if (cc < Ci) {
                float a = alpha != nullptr ? alpha[cc] : 0.f;
                if (j >= 0 && j < nValid) {
                    x0 = in[ring_at(b, cc, Ci, capIn, j)];
                    if (alpha != nullptr) x0 = snac_snake(x0, a);
                }
                if (j - 1 >= 0 && j - 1 < nValid) {
                    x1 = in[ring_at(b, cc, Ci, capIn, j - 1)];
                    if (alpha != nullptr) x1 = snac_snake(x1, a);
                }
            }
            B0[kk][n] = x0;
            B1[kk][n] = x1;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < SNAC_BK; k++) {
            float a0[4], a1[4], b0[4], b1[4];
#pragma unroll
            for (int i = 0; i < 4; i++) { a0[i] = A0[k][ty * 4 + i]; a1[i] = A1[k][ty * 4 + i]; }
#pragma unroll
            for (int j = 0; j < 4; j++) { b0[j] = B0[k][tx * 4 + j]; b1[j] = B1[k][tx * 4 + j]; }
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] += a0[i] * b0[j] + a1[i] * b1[j];
        }
        __syncthreads();
    }
#pragma unroll
    for (int j = 0; j < 4; j++) {
        long long jj = j0 + tx * 4 + j;
        long long t = jj * s + phase - p;
        if (t < outStart || t >= outStart + count) continue;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            int o = o0 + ty * 4 + i;
            if (o < Co) out[ring_at(b, o, Co, capOut, t)] = acc[i][j] + bias[o];
        }
    }
}

// Final Snake + conv (Ci -> 1, kernel 7, padding 3) + tanh into a linear buffer out[b][count].
extern "C" __global__ void snac_final(const float* __restrict__ in, int capIn, long long nValid, const float* __restrict__ alpha,
                                      const float* __restrict__ w, const float* __restrict__ bias,
                                      float* __restrict__ out, long long outStart, int count, int Ci) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int b = blockIdx.y;
    if (i >= count) return;
    long long t = outStart + i;
    float acc = 0.f;
    for (int c = 0; c < Ci; c++) {
        float a = alpha[c];
        float part = 0.f;
#pragma unroll
        for (int k = 0; k < 7; k++) {
            long long pos = t + k - 3;
            if (pos >= 0 && pos < nValid) part += w[c * 7 + k] * snac_snake(in[ring_at(b, c, Ci, capIn, pos)], a);
        }
        acc += part;
    }
    out[(size_t)b * count + i] = tanhf(acc + bias[0]);
}

// Fills noise values for a host-side check of the generator (tests compare with the Java formula).
extern "C" __global__ void snac_noise_probe(unsigned long long seed, int block, int item, long long pos0, int n, float* out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = snac_noise(seed, block, item, pos0 + i);
}
