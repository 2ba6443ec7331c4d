package ai.maya1.weights;

import ai.maya1.weights.gguf.GgufFile;
import ai.maya1.weights.pytorch.PyTorchCheckpoint;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens any supported weights file, detecting the format from its content (never from its name):
 * safetensors, a sharded safetensors index, a PyTorch checkpoint (zip or legacy), or GGUF. A folder opens
 * {@code model.safetensors.index.json}, else {@code model.safetensors}, else {@code pytorch_model.bin}.
 * Tensor names come out in Hugging Face naming.
 */
public final class TensorSources {
    private TensorSources() {
    }

    /** What a file holds, judged from its first bytes (and, for JSON, its top-level keys). */
    public enum FileKind {
        SAFETENSORS, SAFETENSORS_INDEX, PYTORCH_ZIP, PYTORCH_LEGACY, GGUF, TOKENIZER_JSON, CONFIG_JSON, OTHER_JSON, UNKNOWN;

        public boolean holdsTensors() {
            return this == SAFETENSORS || this == SAFETENSORS_INDEX || this == PYTORCH_ZIP || this == PYTORCH_LEGACY || this == GGUF;
        }
    }

    /** Opens a file or folder; throws {@link ModelFormatException} naming the problem. */
    public static TensorSource open(Path fileOrFolder) {
        Path p = fileOrFolder;
        if (Files.isDirectory(p)) {
            p = weightsFileIn(p);
        }
        FileKind kind = detect(p);
        return switch (kind) {
            case SAFETENSORS -> SafetensorsFile.open(p);
            case SAFETENSORS_INDEX -> ShardedSafetensors.open(p);
            case PYTORCH_ZIP, PYTORCH_LEGACY -> PyTorchCheckpoint.open(p);
            case GGUF -> GgufFile.open(p);
            case TOKENIZER_JSON, CONFIG_JSON, OTHER_JSON -> throw new ModelFormatException(p, null, 0,
                    "this JSON file (" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '.') + ") holds no tensors");
            case UNKNOWN -> throw new ModelFormatException(p, null, 0,
                    "unrecognised file format (expected safetensors, a safetensors index, a PyTorch checkpoint or GGUF)");
        };
    }

    /** The weights file a model folder holds, by Hugging Face precedence. */
    public static Path weightsFileIn(Path folder) {
        for (String n : new String[] {"model.safetensors.index.json", "model.safetensors", "pytorch_model.bin.index.json", "pytorch_model.bin"}) {
            Path c = folder.resolve(n);
            if (Files.isRegularFile(c)) {
                if (n.equals("pytorch_model.bin.index.json")) {
                    throw new ModelFormatException(c, "sharded PyTorch checkpoints are not supported; convert to safetensors");
                }
                return c;
            }
        }
        try (var s = Files.list(folder)) {
            var gguf = s.filter(f -> f.getFileName().toString().endsWith(".gguf")).sorted().toList();
            if (gguf.size() == 1) {
                return gguf.getFirst();
            }
        } catch (IOException e) {
            throw new ModelFormatException(folder, "cannot list folder: " + e.getMessage());
        }
        throw new ModelFormatException(folder, "folder holds no model.safetensors.index.json, model.safetensors or pytorch_model.bin");
    }

    /** Detects the file kind from content. */
    public static FileKind detect(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file, Files.exists(file) ? "not a regular file" : "no such file");
        }
        byte[] head = new byte[16];
        int n;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read file: " + e.getMessage());
        }
        if (n >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F') {
            return FileKind.GGUF;
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
            return FileKind.PYTORCH_ZIP;
        }
        if (n >= 3 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5 && (head[2] & 0xFF) == 0x8a) {
            return FileKind.PYTORCH_LEGACY;  // pickle: PROTO, then LONG1 of torch's magic number
        }
        int i = 0;
        while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t' || (head[i] & 0xFF) == 0xEF
                || (head[i] & 0xFF) == 0xBB || (head[i] & 0xFF) == 0xBF)) {
            i++;
        }
        if (i < n && head[i] == '{') {
            return classifyJson(file);
        }
        if (n >= 9) {
            long headerLen = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (head[8] == '{' && headerLen >= 2 && headerLen <= size - 8) {
                return FileKind.SAFETENSORS;
            }
            if (head[8] == '{') {
                return FileKind.SAFETENSORS;  // lying header: SafetensorsFile reports it precisely
            }
        }
        return FileKind.UNKNOWN;
    }

    /** Any of these top-level keys makes a JSON object a model config (Llama or SNAC), validated as one. */
    private static final java.util.List<String> CONFIG_KEYS = java.util.List.of("model_type", "architectures", "hidden_size",
            "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "vocab_size",
            "rope_scaling", "rope_theta", "codebook_size", "codebook_dim", "decoder_dim", "decoder_rates", "encoder_dim",
            "encoder_rates", "vq_strides");

    private static FileKind classifyJson(Path file) {
        JsonNode root = ModelJson.read(file);
        if (!root.isObject()) {
            return FileKind.OTHER_JSON;
        }
        if (root.has("weight_map")) {
            return FileKind.SAFETENSORS_INDEX;
        }
        if (root.has("model") && root.get("model").isObject() && (root.has("added_tokens") || root.get("model").has("vocab"))) {
            return FileKind.TOKENIZER_JSON;
        }
        for (String key : CONFIG_KEYS) {
            if (root.has(key)) {
                return FileKind.CONFIG_JSON;
            }
        }
        return FileKind.OTHER_JSON;
    }
}
