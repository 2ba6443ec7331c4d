package ai.maya1.cli;

import ai.maya1.onnx.export.LlamaGraphConfig;
import ai.maya1.onnx.export.LlamaOnnxExporter;
import ai.maya1.onnx.export.OnnxModel;
import ai.maya1.onnx.export.SnacOnnxExporter;
import ai.maya1.weights.TensorSource;
import ai.maya1.weights.TensorSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maya1 export-onnx}: writes ONNX graphs from the weights, in Java (no Python needed).
 * <pre>
 * maya1 export-onnx --snac DIR --out snac_decoder.onnx [--fp16] [--streaming]
 * maya1 export-onnx --lm DIR --out model.onnx [--weights f32|int8|int4] [--external-data auto|always|never] [--optimum-layout]
 * </pre>
 */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = "Export the SNAC decoder or the Llama LM to ONNX (opset 17) from safetensors weights.")
final class ExportOnnxCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--snac", paramLabel = "DIR", description = "SNAC folder with config.json and model.safetensors or pytorch_model.bin.")
        Path snac;

        @Option(names = "--lm", paramLabel = "DIR", description = "LM folder with config.json and model.safetensors(.index.json) or pytorch_model.bin.")
        Path lm;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output .onnx file (external data goes to FILE.data).")
    Path out;

    @Option(names = "--fp16", description = "SNAC: store weights as float16 (cast to float32 in the graph; half the file).")
    boolean fp16;

    @Option(names = "--streaming", description = "SNAC: stateful streaming graph (per-layer context in/out) for exact streaming.")
    boolean streaming;

    @Option(names = "--no-noise", description = "SNAC: leave out the NoiseBlock noise inputs (deterministic decoder).")
    boolean noNoise;

    @Option(names = "--external-data", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (above 2 GB), always or never. Default: ${DEFAULT-VALUE}.")
    String externalData;

    @Option(names = "--weights", paramLabel = "TYPE", defaultValue = "f32",
            description = "LM: f32, int8 or int4 (block-quantized com.microsoft.MatMulNBits). Default: ${DEFAULT-VALUE}.")
    String weights;

    @Option(names = "--accuracy-level", paramLabel = "N", defaultValue = "4",
            description = "LM int8/int4: MatMulNBits accuracy_level: 4 = int8 activations (ORT's fast CPU kernel), 0 = float32 math"
                    + " (slightly more exact, much slower on ORT 1.29 CPU). Default: ${DEFAULT-VALUE}.")
    int accuracyLevel;

    @Option(names = "--optimum-layout", description = "LM: Hugging Face Optimum signature (past_key_values.N.key -> present.N.key).")
    boolean optimumLayout;

    @Override
    public Integer call() throws IOException {
        OnnxModel.ExternalData ext = switch (externalData.toLowerCase(Locale.ROOT)) {
            case "auto" -> OnnxModel.ExternalData.AUTO;
            case "always" -> OnnxModel.ExternalData.ALWAYS;
            case "never" -> OnnxModel.ExternalData.NEVER;
            default -> throw new IllegalArgumentException("--external-data must be auto, always or never, got '" + externalData + "'");
        };
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        List<Path> files;
        long t0 = System.nanoTime();
        if (source.snac != null) {
            if (optimumLayout || !"f32".equalsIgnoreCase(weights)) {
                throw new IllegalArgumentException("--optimum-layout and --weights apply to --lm only");
            }
            var r = SnacOnnxExporter.export(source.snac, out, new SnacOnnxExporter.Options(fp16, streaming, !noNoise, ext));
            files = r.files();
            System.out.printf(Locale.ROOT, "SNAC decoder (%s%s): %,d parameters, %d state tensors, look-ahead %d samples%n",
                    streaming ? "streaming" : "offline", fp16 ? ", fp16 weights" : "", r.parameters(), r.stateTensors(),
                    r.config().lookaheadSamples());
        } else {
            int bits = switch (weights.toLowerCase(Locale.ROOT)) {
                case "f32" -> 0;
                case "int8" -> 8;
                case "int4" -> 4;
                default -> throw new IllegalArgumentException("--weights must be f32, int8 or int4, got '" + weights + "'");
            };
            if (fp16 || streaming || noNoise) {
                throw new IllegalArgumentException("--fp16, --streaming and --no-noise apply to --snac only");
            }
            LlamaGraphConfig cfg = LlamaGraphConfig.load(source.lm.resolve("config.json"));
            try (TensorSource w = TensorSources.open(source.lm)) {
                LlamaOnnxExporter.Options o = new LlamaOnnxExporter.Options(optimumLayout, ext);
                if (bits > 0) {
                    o = o.withWeightBits(bits, accuracyLevel);
                }
                files = LlamaOnnxExporter.export(cfg, w, out, o);
            }
            System.out.printf(Locale.ROOT, "Llama decoder (%s, %s): %d layers, vocabulary %d%n", optimumLayout ? "Optimum layout" : "maya1 KV layout",
                    bits == 0 ? "F32" : "MatMulNBits int" + bits, cfg.layers(), cfg.vocabSize());
        }
        for (Path f : files) {
            System.out.printf(Locale.ROOT, "wrote %s (%,d bytes)%n", f, Files.size(f));
        }
        System.out.printf(Locale.ROOT, "took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
