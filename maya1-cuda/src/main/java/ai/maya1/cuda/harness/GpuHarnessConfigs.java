package ai.maya1.cuda.harness;

import ai.maya1.cuda.llama.CudaLlamaConfig;
import ai.maya1.cuda.snac.CudaSnacConfig;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The real Maya1 (Llama 3.2 3B shapes, vocabulary 156960) and snac_24khz configurations, for random-weight runs. */
public final class GpuHarnessConfigs {
    private GpuHarnessConfigs() {
    }

    public static CudaLlamaConfig maya1() {
        try {
            return CudaLlamaConfig.parse(new ObjectMapper().readTree(GpuHarness.MAYA1_CONFIG), null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static CudaSnacConfig snac24k() {
        try {
            return CudaSnacConfig.parse(new ObjectMapper().readTree(GpuHarness.SNAC24_CONFIG), null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
