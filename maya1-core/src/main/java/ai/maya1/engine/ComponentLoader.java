package ai.maya1.engine;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.spi.AcousticModelProvider;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Backends;
import ai.maya1.spi.VocoderProvider;
import ai.maya1.spi.VocoderSpec;
import ai.maya1.tts.Maya1Config;
import ai.maya1.vocoder.Vocoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Resolves the sources of a {@link Maya1Config} and opens tokenizer, LM and vocoder through the backend SPI. */
final class ComponentLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentLoader.class);

    private ComponentLoader() {
    }

    static Components load(Maya1Config config, ComputeExecutor lmExec, ComputeExecutor vocExec) {
        Path lmPath = ModelResolver.resolve(config.model(), config.hubCache(), ModelResolver.Layer.ACOUSTIC);
        Path snacPath = ModelResolver.resolve(config.snac(), config.hubCache(), ModelResolver.Layer.VOCODER);
        LOG.info("model {} -> {}; vocoder {} -> {}", config.model().describe(), lmPath, config.snac().describe(), snacPath);
        PromptEncoder prompt = PromptEncoders.open(lmPath, config.strictTags());
        AcousticModelProvider ap = Backends.chooseAcoustic(config.acousticBackend());
        if (config.batching() && ap.name().equals("java")) {
            ap = Backends.chooseAcoustic("java-batched"); // the same model, continuously batched for concurrent requests
        }
        AcousticModel lm = ap.open(new AcousticModelSpec(lmPath, config.weightFormat(), lmExec, config.contextLength(), config.kvBudgetBytes(),
                config.kvBf16()));
        Vocoder vocoder;
        VocoderProvider vp;
        try {
            vp = Backends.chooseVocoder(config.vocoderBackend());
            vocoder = vp.open(new VocoderSpec(snacPath, vocExec));
        } catch (RuntimeException | Error e) {
            lm.close();
            throw e;
        }
        String modelId = String.join("|", config.model().describe(), lm.info().name(), config.snac().describe(), lm.info().weightFormat(),
                ap.name(), vp.name());
        return new Components(prompt, lm, vocoder, modelId, kvBytesPerToken(lmPath, config.kvBf16()));
    }

    /** KV bytes per token from a Hugging Face config.json (2 x layers x kv heads x head dim x element size), 0 if unknown. */
    static long kvBytesPerToken(Path lmPath, boolean bf16) {
        Path cfg = Files.isDirectory(lmPath) ? lmPath.resolve("config.json") : null;
        if (cfg == null || !Files.isRegularFile(cfg)) {
            return 0;
        }
        try {
            JsonNode n = new ObjectMapper().readTree(cfg.toFile());
            int layers = n.path("num_hidden_layers").asInt(0);
            int heads = n.path("num_attention_heads").asInt(0);
            int kvHeads = n.path("num_key_value_heads").asInt(heads);
            int hidden = n.path("hidden_size").asInt(0);
            int headDim = n.path("head_dim").asInt(heads > 0 ? hidden / heads : 0);
            return 2L * layers * kvHeads * headDim * (bf16 ? 2 : 4);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
