package ai.maya1.spi;

import ai.maya1.concurrent.ComputeExecutor;
import java.nio.file.Path;

/**
 * What an acoustic backend needs to open a model.
 *
 * @param model         a folder with config.json + safetensors, or a GGUF file
 * @param weightFormat  "as-stored" (default), "f32", "bf16" or "q8_0"
 * @param executor      the engine-owned compute threads (backends never create a common pool)
 * @param contextLength maximum tokens per request (never the model's 131072 default unless asked)
 * @param kvBudgetBytes total KV-cache memory budget in bytes
 * @param kvBf16        store the KV cache as BF16 instead of F32
 */
public record AcousticModelSpec(Path model, String weightFormat, ComputeExecutor executor, int contextLength, long kvBudgetBytes,
                                boolean kvBf16) {
}
