#include "cuda_emu.h"
#include "emu_registry.h"
#include "snac.cu"
EMU_KERNEL(snac_latent) EMU_KERNEL(snac_dwconv7) EMU_KERNEL(snac_pointwise) EMU_KERNEL(snac_tconv) EMU_KERNEL(snac_final) EMU_KERNEL(snac_noise_probe)
