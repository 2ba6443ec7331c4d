package ai.maya1.spi;

import ai.maya1.concurrent.ComputeExecutor;
import java.nio.file.Path;

/**
 * What a vocoder backend needs to open a SNAC model.
 *
 * @param snac     a folder with config.json and model.safetensors or pytorch_model.bin
 * @param executor the engine-owned compute threads
 */
public record VocoderSpec(Path snac, ComputeExecutor executor) {
}
