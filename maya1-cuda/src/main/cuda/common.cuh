// Shared device helpers of the maya1 CUDA kernels. Compiled into every module (header only).
//
// Everything here must stay inside PTX ISA 8.0 / sm_80 (see docs/cuda.md, "PTX ISA"): no sm_90-only
// instructions, no features newer than CUDA 12.0's PTX.
#pragma once
#include <stdint.h>

#define MAYA1_GOLDEN_GAMMA 0x9E3779B97F4A7C15ULL

// SplitMix64 finalizer (Stafford variant 13): the mixing function of every counter-based generator here.
__device__ __forceinline__ unsigned long long maya1_mix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Uniform double in [0, 1) from a 64-bit hash (53 high bits).
__device__ __forceinline__ double maya1_unit(unsigned long long h) {
    return (double)(h >> 11) * 1.1102230246251565e-16; // 2^-53
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Block-wide sum; every thread gets the result. scratch: >= 32 floats of shared memory.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float r = lane < nw ? scratch[lane] : 0.f;
    r = warp_sum(r);
    return r;
}

__device__ __forceinline__ float block_max(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float r = lane < nw ? scratch[lane] : __int_as_float(0xff800000);
    r = warp_max(r);
    return r;
}
