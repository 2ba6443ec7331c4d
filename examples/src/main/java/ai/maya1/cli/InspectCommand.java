package ai.maya1.cli;

import ai.maya1.Maya1Exception;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.vocoder.snac.SnacConfig;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.ModelJson;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import ai.maya1.weights.TensorSources;
import ai.maya1.weights.gguf.GgufFile;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code maya1 inspect FILE}: detects the format from content (safetensors, sharded index, PyTorch zip/legacy,
 * GGUF, tokenizer.json, config.json) and prints a summary. A bad or hostile file gives exit code 2 and one
 * line {@code error: <what is wrong> (<file>[, <tensor or offset>])}.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Summarise a model file: format, tensors (name, dtype, shape), parameter count, metadata.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "weights file, shard index, tokenizer.json, config.json, or a model folder")
    Path file;

    @Option(names = "--max-tensors", description = "list at most this many tensors (default ${DEFAULT-VALUE}; -1 for all)", defaultValue = "-1")
    int maxTensors;

    @Override
    public Integer call() {
        // the summary is printed only once the whole file has been validated: a bad file gives just the error line
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, false, java.nio.charset.StandardCharsets.UTF_8);
        try {
            inspect(out);
        } catch (Maya1Exception e) {
            throw e;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new ModelFormatException(file, null, -1, "cannot read file: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        System.out.print(buf.toString(java.nio.charset.StandardCharsets.UTF_8));
        System.out.flush();
        return 0;
    }

    private void inspect(PrintStream out) {
        Path target = file;
        if (java.nio.file.Files.isDirectory(target)) {
            target = TensorSources.weightsFileIn(target);
        }
        TensorSources.FileKind kind = TensorSources.detect(target);
        out.println("file:       " + target);
        switch (kind) {
            case TOKENIZER_JSON -> tokenizer(out, target);
            case CONFIG_JSON, OTHER_JSON -> config(out, target, kind);
            case UNKNOWN -> throw new ModelFormatException(target, null, 0,
                    "unrecognised file format (expected safetensors, safetensors index, PyTorch checkpoint, GGUF, tokenizer.json or config.json)");
            default -> {
                try (TensorSource src = TensorSources.open(target)) {
                    tensors(out, src);
                }
            }
        }
        out.flush();
    }

    private void tensors(PrintStream out, TensorSource src) {
        out.println("format:     " + src.formatName());
        long params = 0;
        long bytes = 0;
        Map<String, Integer> dtypes = new TreeMap<>();
        int width = 0;
        for (String n : src.names()) {
            width = Math.max(width, listedName(src, n).length());
        }
        width = Math.min(width, 72);
        java.util.List<String[]> rows = new java.util.ArrayList<>();  // listed name, dtype, shape, mapped name
        int shapeWidth = 0;
        int shown = 0;
        for (String n : src.names()) {
            long[] shape;
            String dtype;
            long size;
            if (src instanceof GgufFile g) {
                GgufFile.TensorInfo info = g.tensorInfos().get(n);
                shape = info.shape();
                dtype = info.type().dtype().name();
                size = info.byteSize();
            } else {
                TensorData t = src.get(n);
                shape = t.shape();
                dtype = t.dtype().name();
                size = t.data().byteSize();
            }
            long count = 1;
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            params += count;
            bytes += size;
            dtypes.merge(dtype, 1, Integer::sum);
            if (maxTensors < 0 || shown < maxTensors) {
                String listed = listedName(src, n);
                rows.add(new String[] {listed, dtype, Arrays.toString(shape), listed.equals(n) ? "" : n});
                shapeWidth = Math.max(shapeWidth, rows.getLast()[2].length());
                shown++;
            }
        }
        out.println("tensors:    " + src.names().size() + " " + dtypes);
        out.printf(Locale.ROOT, "parameters: %,d (%s)%n", params, human(params));
        out.printf(Locale.ROOT, "data bytes: %,d%n", bytes);
        if (src instanceof GgufFile g) {
            out.println("gguf:       version " + g.version() + ", alignment " + g.alignment() + ", architecture " + g.architecture()
                    + (g.ropeFreqs().isPresent() ? ", rope_freqs.weight present" : ""));
        }
        configCheck(out, src);
        if (!src.metadata().isEmpty()) {
            out.println("metadata:");
            src.metadata().forEach((k, v) -> out.println("  " + k + " = " + abbreviate(v)));
        }
        out.println("tensor list:");
        for (String[] row : rows) {
            // the Hugging Face name, where it differs, stands in a column of its own after the shapes
            out.println(row[3].isEmpty() ? String.format(Locale.ROOT, "  %-" + width + "s  %-5s %s", row[0], row[1], row[2])
                    : String.format(Locale.ROOT, "  %-" + width + "s  %-5s %-" + shapeWidth + "s  -> %s", row[0], row[1], row[2], row[3]));
        }
        if (shown < src.names().size()) {
            out.println("  ... " + (src.names().size() - shown) + " more");
        }
    }

    /** The name the file itself stores: llama.cpp's for GGUF (the Hugging Face name is shown beside it). */
    private static String listedName(TensorSource src, String name) {
        return src instanceof GgufFile g ? g.tensorInfos().get(name).ggufName() : name;
    }

    /**
     * A Llama config.json beside the weights must describe exactly these tensors (a mismatch is an error naming
     * the tensor); a llama GGUF's own metadata is checked too, but only reported.
     */
    private static void configCheck(PrintStream out, TensorSource src) {
        java.util.Optional<Path> cfg = ai.maya1.weights.ConfigShapes.configBeside(src.path());
        if (cfg.isPresent()) {
            JsonNode c = ModelJson.read(cfg.get());
            if (validateConfig(c, cfg.get()) == ConfigKind.LLAMA) {
                ai.maya1.weights.ConfigShapes.check(src, ai.maya1.weights.ConfigShapes.llama(c, cfg.get()), cfg.get());
                out.println("config:     tensors match " + cfg.get());
                return;
            }
        }
        if (src instanceof GgufFile g && g.architecture().equals("llama")) {
            try {
                JsonNode c = ModelJson.mapper().readTree(g.llamaConfigJson());
                out.println("config:     " + c);
                ai.maya1.weights.ConfigShapes.check(src, ai.maya1.weights.ConfigShapes.llama(c, g.path()), Path.of("GGUF metadata"));
                out.println("            tensors match the metadata");
            } catch (ModelFormatException | com.fasterxml.jackson.core.JsonProcessingException e) {
                out.println("            not a complete Llama model: " + e.getMessage());
            }
        }
    }

    private static void tokenizer(PrintStream out, Path f) {
        // the SDK's own tokenizer validates everything it will use (hostile files fail here, naming the field)
        ai.maya1.tokenizer.HfTokenizer tok = ai.maya1.tokenizer.HfTokenizer.load(f);
        JsonNode root = ModelJson.read(f);
        JsonNode model = root.get("model");
        String type = model.path("type").asText("?");
        JsonNode vocab = model.get("vocab");
        if (vocab == null || !(vocab.isObject() || vocab.isArray())) {
            throw new ModelFormatException(f, "model.vocab", -1, "tokenizer model has no vocab");
        }
        long maxId = -1;
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                    throw new ModelFormatException(f, "model.vocab", -1, "token " + e.getKey() + " has no non-negative integer id");
                }
                maxId = Math.max(maxId, e.getValue().asInt());
            }
        }
        JsonNode added = root.path("added_tokens");
        int special = 0;
        for (JsonNode a : added) {
            if (!a.path("id").canConvertToInt() || !a.path("content").isTextual()) {
                throw new ModelFormatException(f, "added_tokens", -1, "added token without id/content");
            }
            maxId = Math.max(maxId, a.get("id").asInt());
            special += a.path("special").asBoolean(false) ? 1 : 0;
        }
        out.println("format:     tokenizer.json (" + type + ")");
        out.println("vocabulary: " + vocab.size() + " model tokens, " + added.size() + " added tokens (" + special + " special), max id " + maxId
                + ", vocab size " + tok.vocabSize());
        if (model.has("merges")) {
            out.println("merges:     " + model.get("merges").size());
        }
        out.println("normalizer: " + typeOf(root.get("normalizer")));
        out.println("pre-tok:    " + typeOf(root.get("pre_tokenizer")));
        out.println("post-proc:  " + typeOf(root.get("post_processor")));
        out.println("decoder:    " + typeOf(root.get("decoder")));
    }

    private static String typeOf(JsonNode n) {
        if (n == null || n.isNull()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder(n.path("type").asText("?"));
        for (String k : new String[] {"pretokenizers", "processors", "normalizers", "decoders"}) {
            if (n.has(k)) {
                sb.append(" [");
                for (int i = 0; i < n.get(k).size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(n.get(k).get(i).path("type").asText("?"));
                }
                sb.append(']');
            }
        }
        return sb.toString();
    }

    private enum ConfigKind { LLAMA, SNAC }

    /**
     * Validates a config.json fully, as loading the model would (types, ranges, divisibility, overflow, RoPE
     * scaling): a SNAC config (no {@code model_type}, SNAC keys) through {@link SnacConfig#parse}, anything else
     * as a Llama config through {@link LlamaConfig#parse(JsonNode, Path)}, which refuses another
     * {@code model_type} (this SDK runs no other model), naming the key.
     */
    private static ConfigKind validateConfig(JsonNode root, Path f) {
        if (root.isObject() && !root.has("model_type")) {
            for (String k : new String[] {"codebook_size", "codebook_dim", "decoder_dim", "decoder_rates", "encoder_rates", "vq_strides"}) {
                if (root.has(k)) {
                    SnacConfig.parse(root.toString(), f);
                    return ConfigKind.SNAC;
                }
            }
        }
        LlamaConfig.parse(root, f);
        return ConfigKind.LLAMA;
    }

    private static void config(PrintStream out, Path f, TensorSources.FileKind kind) {
        JsonNode root = ModelJson.read(f);
        if (kind == TensorSources.FileKind.CONFIG_JSON) {
            validateConfig(root, f);
        }
        out.println("format:     " + (kind == TensorSources.FileKind.CONFIG_JSON ? "config.json" : "JSON")
                + (root.has("model_type") ? " (model_type " + root.get("model_type").asText() + ")" : ""));
        if (root.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.println("  " + e.getKey() + " = " + abbreviate(e.getValue().toString()));
            }
        }
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ').replace('\r', ' ');
        return one.length() > 160 ? one.substring(0, 157) + "..." : one;
    }

    static String human(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2fM", n / 1e6);
        }
        if (n >= 1_000L) {
            return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        }
        return Long.toString(n);
    }
}
