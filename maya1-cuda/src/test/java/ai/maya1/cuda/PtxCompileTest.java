package ai.maya1.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Load check without a GPU: every shipped PTX must assemble for sm_80/86/89/90 with the nvPTXCompiler bundled in
 * JCuda's natives (CUDA 12.6, so an ISA newer than 12.6 supports would fail here too), declare ISA 8.0 (loadable by
 * R535 drivers) and define every kernel the Java side launches.
 */
class PtxCompileTest {
    static final List<String> ARCHS = List.of("sm_80", "sm_86", "sm_89", "sm_90");

    static List<Object[]> cases() {
        return List.of(KernelResources.SNAC, KernelResources.LLAMA).stream()
                .flatMap(m -> ARCHS.stream().map(a -> new Object[] {m, a})).toList();
    }

    @ParameterizedTest(name = "{0}.ptx for {1}")
    @MethodSource("cases")
    void ptxCompilesForEveryTargetArchitecture(String module, String arch) {
        byte[] ptx = KernelResources.ptx(module);
        byte[] z = Arrays.copyOf(ptx, ptx.length + 1);
        JNvPTXCompiler.setExceptionsEnabled(false);
        nvPTXCompilerHandle h = new nvPTXCompilerHandle();
        assertEquals(nvPTXCompileResult.NVPTXCOMPILE_SUCCESS, JNvPTXCompiler.nvPTXCompilerCreate(h, ptx.length, z));
        try {
            int rc = JNvPTXCompiler.nvPTXCompilerCompile(h, 2, new String[] {"--gpu-name=" + arch, "-O3"});
            if (rc != nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
                long[] n = {0};
                JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(h, n);
                byte[] log = new byte[(int) n[0] + 1];
                JNvPTXCompiler.nvPTXCompilerGetErrorLog(h, log);
                throw new AssertionError(module + ".ptx does not compile for " + arch + " (" + nvPTXCompileResult.stringFor(rc) + "):\n"
                        + new String(log, StandardCharsets.UTF_8).trim());
            }
            long[] size = {0};
            assertEquals(nvPTXCompileResult.NVPTXCOMPILE_SUCCESS, JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize(h, size));
            byte[] elf = new byte[(int) size[0]];
            JNvPTXCompiler.nvPTXCompilerGetCompiledProgram(h, elf);
            assertTrue(elf.length > 4 && elf[0] == 0x7f && elf[1] == 'E' && elf[2] == 'L' && elf[3] == 'F', "cubin is an ELF image");
        } finally {
            JNvPTXCompiler.nvPTXCompilerDestroy(h);
        }
    }

    @Test
    void bundledPtxCompilerIsCuda12() {
        int[] major = {0};
        int[] minor = {0};
        assertEquals(nvPTXCompileResult.NVPTXCOMPILE_SUCCESS, JNvPTXCompiler.nvPTXCompilerGetVersion(major, minor));
        assertEquals(12, major[0], "JCuda 12.6's nvPTXCompiler");
    }

    @ParameterizedTest
    @MethodSource("modules")
    void ptxDeclaresIsa80ForSm80(String module) {
        byte[] ptx = KernelResources.ptx(module);
        assertEquals("8.0", KernelResources.isaVersion(ptx), "R535 drivers JIT PTX ISA <= 8.2; we ship 8.0");
        assertTrue(new String(ptx, StandardCharsets.US_ASCII).contains("\n.target sm_80\n"));
    }

    static List<String> modules() {
        return List.of(KernelResources.SNAC, KernelResources.LLAMA);
    }

    @Test
    void everyLaunchedKernelIsDefined() {
        assertEquals(Set.of("snac_latent", "snac_dwconv7", "snac_pointwise", "snac_tconv", "snac_final", "snac_noise_probe"),
                Set.copyOf(KernelResources.entries(KernelResources.ptx(KernelResources.SNAC))));
        assertEquals(Set.of("llama_embed", "llama_rmsnorm", "llama_to_bf16", "llama_gemv_f32", "llama_gemv_bf16", "llama_gemv_q8",
                        "llama_gemm_bf16", "llama_gemm_q8", "llama_rope", "llama_kv_store_f32", "llama_kv_store_bf16", "llama_attn_f32",
                        "llama_attn_bf16", "llama_attn_combine", "llama_silu_mul", "llama_sample", "llama_mark_seen"),
                Set.copyOf(KernelResources.entries(KernelResources.ptx(KernelResources.LLAMA))));
    }
}
