package ai.maya1.tts;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a model comes from: a Hugging Face repository resolved in the local Hugging Face cache, a local folder
 * or file (safetensors folder, sharded index, PyTorch checkpoint, GGUF file), or the SDK's built-in test model.
 *
 * <p>The SDK never downloads on its own: a {@link Hub} source that is not in the cache fails with
 * {@link ModelNotFoundException}, which says how to fetch it ({@code ./maya1 download ...}).
 */
public sealed interface ModelSource {

    /** The Maya1 acoustic model on the Hugging Face hub. */
    String MAYA1_REPO = "maya-research/maya1";
    /** The SNAC 24 kHz vocoder on the Hugging Face hub. */
    String SNAC_REPO = "hubertsiuzdak/snac_24khz";

    /**
     * A Hugging Face repository, looked up in the local cache ({@code $HF_HUB_CACHE}, {@code $HF_HOME/hub} or
     * {@code ~/.cache/huggingface/hub}).
     *
     * @param repoId   e.g. {@code maya-research/maya1}
     * @param revision a branch, tag or commit; {@code main} by default
     */
    record Hub(String repoId, String revision) implements ModelSource {
        public Hub {
            Objects.requireNonNull(repoId, "repoId");
            if (!repoId.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException("not a Hugging Face repository id (owner/name): '" + repoId + "'");
            }
            if (revision == null || revision.isBlank()) {
                revision = "main";
            }
        }

        @Override
        public String describe() {
            return "hf:" + repoId + ("main".equals(revision) ? "" : "@" + revision);
        }
    }

    /** A local folder (config.json + weights + tokenizer.json) or a single GGUF / safetensors file. */
    record Local(Path path) implements ModelSource {
        public Local {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return path.toString();
        }
    }

    /**
     * The built-in test model: a tiny Maya1-shaped LM with random weights, a byte-level tokenizer with the Maya1
     * control tokens and a reduced-width SNAC decoder, generated deterministically into the SDK cache on first
     * use. <b>Test model: output is not speech.</b> For tests, demos and benchmarks on machines without weights.
     */
    record TestModel() implements ModelSource {
        @Override
        public String describe() {
            return "built-in test model (output is not speech)";
        }
    }

    /** A short human-readable form for logs and messages. */
    String describe();

    static ModelSource hub(String repoId) {
        return new Hub(repoId, "main");
    }

    static ModelSource path(Path path) {
        return new Local(path);
    }

    static ModelSource testModel() {
        return new TestModel();
    }

    /**
     * Parses a command-line style source: {@code test} / {@code test-model}, {@code hf:owner/name[@rev]}, an
     * existing path, or a bare {@code owner/name} that is not an existing path.
     */
    static ModelSource parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.trim();
        if (s.equalsIgnoreCase("test") || s.equalsIgnoreCase("test-model")) {
            return testModel();
        }
        if (s.startsWith("hf:")) {
            String r = s.substring(3);
            int at = r.indexOf('@');
            return at < 0 ? new Hub(r, "main") : new Hub(r.substring(0, at), r.substring(at + 1));
        }
        Path p = Path.of(s);
        if (java.nio.file.Files.exists(p)) {
            return new Local(p);
        }
        if (s.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*(@.+)?") && !s.startsWith(".")) {
            int at = s.indexOf('@');
            return at < 0 ? new Hub(s, "main") : new Hub(s.substring(0, at), s.substring(at + 1));
        }
        return new Local(p); // reported as missing when the engine opens it
    }
}
