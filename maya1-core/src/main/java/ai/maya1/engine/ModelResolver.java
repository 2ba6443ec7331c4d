package ai.maya1.engine;

import ai.maya1.engine.testmodel.TestModel;
import ai.maya1.hub.HfCache;
import ai.maya1.hub.HubSettings;
import ai.maya1.tts.ModelNotFoundException;
import ai.maya1.tts.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns {@link ModelSource}s into local paths: the Hugging Face cache layout
 * ({@code models--owner--name/refs/<revision>} -> {@code snapshots/<commit>/}), local folders and files, and the
 * built-in test model (generated on first use). Never downloads.
 */
public final class ModelResolver {
    private ModelResolver() {
    }

    /** Which layer a source is for (changes the hint in error messages). */
    public enum Layer { ACOUSTIC, VOCODER }

    /** The Hugging Face hub cache: explicit, else as huggingface_hub ({@code HF_HUB_CACHE}, {@code HF_HOME/hub}, {@code ~/.cache/huggingface/hub}). */
    public static Path hubCacheDir(Path configured) {
        return configured != null ? configured : HubSettings.fromEnvironment().hubCache();
    }

    /** The snapshot folder of {@code repoId@revision} in the hub cache, if present. */
    public static Optional<Path> snapshot(Path hubCache, String repoId, String revision) {
        try {
            return new HfCache(hubCache).snapshot(repoId, revision == null || revision.isBlank() ? "main" : revision);
        } catch (RuntimeException e) { // an invalid id or revision is simply not cached
            return Optional.empty();
        }
    }

    /**
     * @return the local folder or file of {@code source}
     * @throws ModelNotFoundException with a hint on how to get it
     */
    public static Path resolve(ModelSource source, Path configuredHubCache, Layer layer) {
        return switch (source) {
            case ModelSource.TestModel t -> layer == Layer.ACOUSTIC ? TestModel.ensure().lmDir() : TestModel.ensure().snacDir();
            case ModelSource.Local l -> {
                if (!Files.exists(l.path())) {
                    throw new ModelNotFoundException(source, (layer == Layer.ACOUSTIC ? "model" : "SNAC vocoder") + " path " + l.path()
                            + " does not exist", "pass a folder with config.json and weights, or a .gguf file");
                }
                yield l.path();
            }
            case ModelSource.Hub h -> {
                Path cache = hubCacheDir(configuredHubCache);
                yield snapshot(cache, h.repoId(), h.revision()).orElseThrow(() -> new ModelNotFoundException(source,
                        h.repoId() + (h.revision().equals("main") ? "" : "@" + h.revision()) + " is not in the Hugging Face cache " + cache,
                        "download it with './maya1 download " + h.repoId() + "' (or 'huggingface-cli download " + h.repoId()
                                + "'), pass a local folder with --" + (layer == Layer.ACOUSTIC ? "model" : "snac")
                                + ", or use the built-in test model (--model test; output is not speech)"));
            }
        };
    }

    /** Whether {@code source} is available locally without generating or downloading anything. */
    public static boolean isAvailable(ModelSource source, Path configuredHubCache) {
        return switch (source) {
            case ModelSource.TestModel t -> true;
            case ModelSource.Local l -> Files.exists(l.path());
            case ModelSource.Hub h -> snapshot(hubCacheDir(configuredHubCache), h.repoId(), h.revision()).isPresent();
        };
    }
}
