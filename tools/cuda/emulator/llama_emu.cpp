#include "cuda_emu.h"
#include "emu_registry.h"
#include "llama.cu"
EMU_KERNEL(llama_embed) EMU_KERNEL(llama_rmsnorm) EMU_KERNEL(llama_to_bf16) EMU_KERNEL(llama_gemv_f32) EMU_KERNEL(llama_gemv_bf16)
EMU_KERNEL(llama_gemv_q8) EMU_KERNEL(llama_gemm_bf16) EMU_KERNEL(llama_gemm_q8) EMU_KERNEL(llama_rope) EMU_KERNEL(llama_kv_store_f32)
EMU_KERNEL(llama_kv_store_bf16) EMU_KERNEL(llama_attn_f32) EMU_KERNEL(llama_attn_bf16) EMU_KERNEL(llama_attn_combine)
EMU_KERNEL(llama_silu_mul) EMU_KERNEL(llama_sample) EMU_KERNEL(llama_mark_seen)
