#pragma once
// wmma emulation: every thread of the warp holds (and computes) the whole 16x16 tile.
#include "cuda_bf16.h"
namespace nvcuda { namespace wmma {
struct matrix_a {}; struct matrix_b {}; struct accumulator {}; struct row_major {}; struct col_major {};
enum layout_t { mem_row_major, mem_col_major };
template <typename Use, int M, int N, int K, typename T, typename Layout = void> struct fragment { float x[16][16]; };
template <typename Use, int M, int N, int K, typename T, typename L> inline void fill_fragment(fragment<Use, M, N, K, T, L>& f, float v) {
    for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) f.x[i][j] = v;
}
inline void load_matrix_sync(fragment<matrix_a, 16, 16, 16, __nv_bfloat16, row_major>& f, const __nv_bfloat16* p, unsigned ldm) {
    for (int r = 0; r < 16; r++) for (int c = 0; c < 16; c++) f.x[r][c] = __bfloat162float(p[r * ldm + c]);
}
inline void load_matrix_sync(fragment<matrix_b, 16, 16, 16, __nv_bfloat16, col_major>& f, const __nv_bfloat16* p, unsigned ldm) {
    for (int k = 0; k < 16; k++) for (int n = 0; n < 16; n++) f.x[k][n] = __bfloat162float(p[n * ldm + k]);
}
inline void mma_sync(fragment<accumulator, 16, 16, 16, float>& d, const fragment<matrix_a, 16, 16, 16, __nv_bfloat16, row_major>& a,
                     const fragment<matrix_b, 16, 16, 16, __nv_bfloat16, col_major>& b, const fragment<accumulator, 16, 16, 16, float>& c) {
    float t[16][16];
    for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) {
        float s = c.x[i][j];
        for (int k = 0; k < 16; k++) s += a.x[i][k] * b.x[k][j];
        t[i][j] = s;
    }
    std::memcpy(d.x, t, sizeof t);
}
inline void store_matrix_sync(float* p, const fragment<accumulator, 16, 16, 16, float>& f, unsigned ldm, layout_t) {
    for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) p[i * ldm + j] = f.x[i][j];
}
}}
