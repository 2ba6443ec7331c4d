package ai.maya1.onnx.snac;

import ai.maya1.weights.ModelFormatException;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The signature of a SNAC decoder graph, recognised from its input/output names:
 * <ul>
 *   <li>{@link Kind#NATIVE}: this SDK's export ({@code codes_0..2}, optional {@code noise_0..3}, {@code audio});</li>
 *   <li>{@link Kind#NATIVE_STREAMING}: the stateful streaming export (plus {@code frame_offset},
 *       {@code total_frames}, {@code state_in_k}/{@code state_out_k});</li>
 *   <li>{@link Kind#COMMUNITY}: {@code onnx-community/snac_24khz-ONNX} {@code onnx/decoder_model.onnx}
 *       ({@code audio_codes.0..2} int64 {@code [B, T·2^i]} to {@code audio_values [B,1,N]}).</li>
 * </ul>
 */
record SnacGraph(Kind kind, List<String> codeInputs, List<String> noiseInputs, String audioOutput, List<String> stateInputs,
                 List<String> stateOutputs, List<long[]> stateShapes, int[] decoderRates, int lookahead, int samplesPerFrame,
                 int latentPerFrame) {

    enum Kind { NATIVE, NATIVE_STREAMING, COMMUNITY }

    static final int SNAC24_LOOKAHEAD = 4757;

    static SnacGraph inspect(Path file, OrtSession s) {
        try {
            Map<String, NodeInfo> in = s.getInputInfo();
            Map<String, NodeInfo> out = s.getOutputInfo();
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            if (in.containsKey("audio_codes.0") && in.containsKey("audio_codes.1") && in.containsKey("audio_codes.2")) {
                String audio = out.containsKey("audio_values") ? "audio_values" : out.keySet().iterator().next();
                return new SnacGraph(Kind.COMMUNITY, List.of("audio_codes.0", "audio_codes.1", "audio_codes.2"), List.of(), audio,
                        List.of(), List.of(), List.of(), new int[] {8, 8, 4, 2}, SNAC24_LOOKAHEAD, 2048, 4);
            }
            if (!in.containsKey("codes_0") || !out.containsKey("audio")) {
                throw new ModelFormatException(file, "not a SNAC decoder graph: inputs " + in.keySet() + ", outputs " + out.keySet()
                        + " (expected codes_0..2 -> audio, or audio_codes.0..2 -> audio_values)");
            }
            List<String> codes = new ArrayList<>();
            for (int i = 0; in.containsKey("codes_" + i); i++) {
                codes.add("codes_" + i);
            }
            List<String> noise = new ArrayList<>();
            for (int i = 0; in.containsKey("noise_" + i); i++) {
                noise.add("noise_" + i);
            }
            int[] rates = parseRates(file, meta.getOrDefault("maya1.decoder_rates", "8,8,4,2"));
            int la = Integer.parseInt(meta.getOrDefault("maya1.lookahead_samples", Integer.toString(SNAC24_LOOKAHEAD)));
            int spf = Integer.parseInt(meta.getOrDefault("maya1.samples_per_frame", "2048"));
            int lpf = Integer.parseInt(meta.getOrDefault("maya1.latent_per_frame", "4"));
            if (!noise.isEmpty() && noise.size() != rates.length) {
                throw new ModelFormatException(file, "graph has " + noise.size() + " noise inputs but " + rates.length + " decoder blocks");
            }
            List<String> sIn = new ArrayList<>();
            List<String> sOut = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            for (int i = 0; in.containsKey("state_in_" + i); i++) {
                sIn.add("state_in_" + i);
                sOut.add("state_out_" + i);
                if (!out.containsKey("state_out_" + i)) {
                    throw new ModelFormatException(file, "state_in_" + i + " has no matching state_out_" + i);
                }
                long[] shape = ((ai.onnxruntime.TensorInfo) in.get("state_in_" + i).getInfo()).getShape();
                shapes.add(new long[] {shape[1], shape[2]});
            }
            boolean streaming = in.containsKey("frame_offset") && in.containsKey("total_frames");
            if (streaming != !sIn.isEmpty()) {
                throw new ModelFormatException(file, "inconsistent streaming signature: " + in.keySet());
            }
            return new SnacGraph(streaming ? Kind.NATIVE_STREAMING : Kind.NATIVE, List.copyOf(codes), List.copyOf(noise), "audio",
                    List.copyOf(sIn), List.copyOf(sOut), List.copyOf(shapes), rates, la, spf, lpf);
        } catch (OrtException e) {
            throw new ModelFormatException(file, "cannot inspect ONNX graph: " + e.getMessage());
        }
    }

    private static int[] parseRates(Path file, String s) {
        try {
            String[] parts = s.split(",");
            int[] r = new int[parts.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = Integer.parseInt(parts[i].trim());
            }
            return r;
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file, "maya1.decoder_rates", -1, "bad metadata '" + s + "'");
        }
    }

    /** Noise length of block k for {@code latent} latent steps. */
    long noiseLength(int k, long latent) {
        long l = latent;
        for (int j = 0; j <= k; j++) {
            l *= decoderRates[j];
        }
        return l;
    }

    /** Absolute start position of block k's noise for a streaming chunk starting at latent step {@code latentStart}. */
    long streamingNoiseStart(int k, long latentStart) {
        long s = latentStart - 3;
        for (int j = 0; j <= k; j++) {
            int r = decoderRates[j];
            s = s * r - (r + 1) / 2;
            if (j < k) {
                s -= 39;
            }
        }
        return s;
    }

}
