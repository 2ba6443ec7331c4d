// Host emulation of the CUDA C++ subset used by maya1's kernels: compiles snac.cu / llama.cu as plain C++ so a
// fake libcuda.so.1 can run the Java stack on a CPU. Index/math check only: NOT a GPU test (see README.md).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstddef>

struct dim3 { unsigned x = 1, y = 1, z = 1; };
extern dim3 threadIdx;
extern dim3 blockIdx;
extern dim3 blockDim;
extern dim3 gridDim;

void emu_syncthreads();
void emu_warp_sync();
void emu_warp_put(uint64_t v);
uint64_t emu_warp_get(int lane);

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __syncthreads() emu_syncthreads()

inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline float __uint_as_float(unsigned i) { float f; std::memcpy(&f, &i, 4); return f; }
inline int __float_as_int(float f) { int i; std::memcpy(&i, &f, 4); return i; }
template <typename T> inline T __ldg(const T* p) { return *p; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

template <typename T> inline T __shfl_xor_sync(unsigned, T v, int o) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    emu_warp_put(bits);
    emu_warp_sync();
    uint64_t r = emu_warp_get((threadIdx.x & 31) ^ o);
    emu_warp_sync();
    T out;
    std::memcpy(&out, &r, sizeof(T));
    return out;
}

struct uint4 { unsigned x, y, z, w; };
struct int4 { int x, y, z, w; };
struct float4 { float x, y, z, w; };
inline uint4 make_uint4(unsigned a, unsigned b, unsigned c, unsigned d) { return {a, b, c, d}; }
