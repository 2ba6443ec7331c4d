package ai.maya1.cli;

import ai.maya1.backend.JavaAcousticModelProvider;
import ai.maya1.acoustic.llama.KvCache;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.VecMath;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maya1 lm --model DIR --ids 128000,791,4062 --greedy N [--logits-out OUT.f32] [--dtype f32|bf16|q8_0]}:
 * runs the prompt ids through any Llama-shaped model (Hugging Face config.json + safetensors) as one batched
 * prefill, then N-1 cached decode steps; prints the N greedy ids as a JSON array on the last line of stdout and
 * writes the logits of the prompt positions (little-endian float32 {@code [T, vocab]}).
 */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Run a Llama-shaped LM on token ids: greedy continuation and prompt logits.")
final class LmCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Folder with config.json + model.safetensors (or model.safetensors.index.json).")
    Path model;

    @Option(names = "--ids", required = true, split = ",", paramLabel = "ID", description = "Prompt token ids, comma-separated.")
    int[] ids;

    @Option(names = "--greedy", defaultValue = "0", paramLabel = "N", description = "Greedy continuation tokens to generate (default 0).")
    int greedy;

    @Option(names = "--logits-out", paramLabel = "OUT.f32", description = "Write the prompt positions' logits, float32 LE [T, vocab].")
    Path logitsOut;

    @Option(names = "--dtype", paramLabel = "f32|bf16|q8_0", description = "Convert weights at load; default: as stored (BF16 widened exactly in the dot products).")
    String dtype;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: available processors).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        if (ids.length == 0) {
            throw new IllegalArgumentException("--ids is empty");
        }
        if (greedy < 0) {
            throw new IllegalArgumentException("--greedy must be >= 0, got " + greedy);
        }
        WeightFormat format = dtype == null ? WeightFormat.AS_STORED : WeightFormat.parse(dtype);
        if (dtype != null && format == WeightFormat.AS_STORED) {
            throw new IllegalArgumentException("--dtype must be f32, bf16 or q8_0, got " + dtype);
        }
        Path configFile = (Files.isDirectory(model) ? model : model.toAbsolutePath().getParent()).resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(configFile, "missing config.json");
        }
        LlamaConfig config = LlamaConfig.load(configFile);
        int vocab = config.vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        try (TensorSource src = JavaAcousticModelProvider.openTensors(model);
             ComputeExecutor exec = new ComputeExecutor(Math.max(1, nThreads), "maya1-lm")) {
            LlamaModel lm = LlamaModel.load(config, src, format);
            KvCache cache = lm.newCache(ids.length + Math.max(1, greedy), KvCache.Precision.F32);
            float[] hidden = lm.forward(exec, cache, ids, null);
            int T = ids.length;
            if (logitsOut != null) {
                float[] logits = lm.logits(exec, hidden, T);
                writeF32(logitsOut, logits);
            }
            int[] out = new int[greedy];
            float[] step = greedy > 0 ? lm.logitsAt(exec, hidden, T - 1) : null;
            for (int i = 0; i < greedy; i++) {
                out[i] = VecMath.argmax(step, 0, vocab);
                if (i + 1 < greedy) {
                    step = lm.logitsAt(exec, lm.forward(exec, cache, new int[] {out[i]}, null), 0);
                }
            }
            StringJoiner json = new StringJoiner(",", "[", "]");
            for (int id : out) {
                json.add(Integer.toString(id));
            }
            System.out.println(json);
            System.out.flush();
        }
        return 0;
    }

    private static void writeF32(Path file, float[] values) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                if (!buf.hasRemaining()) {
                    os.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v);
            }
            os.write(buf.array(), 0, buf.position());
        }
    }
}
