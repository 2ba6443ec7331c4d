package ai.maya1.vocoder.snac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** config.json parsing and the loader's name/shape checks (against the real 24 kHz key list). */
class SnacConfigAndWeightsTest {

    @Test
    void realConfigIsParsedAndDerivesTheLatentWidth() {
        SnacConfig c = SnacConfig.load(SnacGolden.dir().resolve("config_24khz.json"));
        assertEquals(SnacConfig.snac24khz(), c);
        assertEquals(768, c.latentDim());
        assertEquals(512, c.hopLength());
        assertEquals(2048, c.samplesPerFrame());
        assertEquals(4757, c.lookaheadSamples());
    }

    @Test
    void expectedTensorsAreExactlyThe269KeysOfTheReal24kHzModelInBothNamings() throws IOException {
        JsonNode keys = new ObjectMapper().readTree(Files.readString(SnacGolden.dir().resolve("full_24khz_state_dict_keys.json")));
        Map<String, long[]> expected = SnacConfig.snac24khz().expectedTensors();
        for (String list : List.of("keys_parametrizations", "keys_legacy_weight_norm")) {
            Map<String, long[]> ref = new LinkedHashMap<>();
            for (JsonNode k : keys.get(list)) {
                long[] shape = new long[k.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = k.get("shape").get(i).longValue();
                }
                ref.put(SnacWeights.canonicalName(k.get("key").asText()), shape);
            }
            assertEquals(269, ref.size());
            assertEquals(ref.keySet(), expected.keySet(), list);
            for (String name : ref.keySet()) {
                assertArrayEquals(ref.get(name), expected.get(name), name);
            }
        }
        Map<String, long[]> decoding = SnacConfig.snac24khz().decoderPathTensors();
        assertEquals(142, decoding.size());
        LinkedHashSet<String> refDecoding = new LinkedHashSet<>();
        keys.get("decoder_path_keys").forEach(k -> refDecoding.add(k.asText()));
        assertEquals(refDecoding, decoding.keySet());
        long params = decoding.values().stream().mapToLong(s -> {
            long n = 1;
            for (long d : s) {
                n *= d;
            }
            return n;
        }).sum();
        assertEquals(13_133_762L, params);
    }

    @Test
    void badConfigsAreRejectedWithTheirField() {
        String ok = "{\"sampling_rate\":24000,\"encoder_dim\":48,\"encoder_rates\":[2,4,8,8],\"decoder_dim\":1024,"
                + "\"decoder_rates\":[8,8,4,2],\"attn_window_size\":null,\"codebook_size\":4096,\"codebook_dim\":8,"
                + "\"vq_strides\":[4,2,1],\"noise\":true,\"depthwise\":true}";
        assertEquals(SnacConfig.snac24khz(), SnacConfig.parse(ok, null));
        assertTrue(assertThrows(ModelFormatException.class, () -> SnacConfig.parse(ok.replace("\"attn_window_size\":null",
                "\"attn_window_size\":512"), null)).getMessage().contains("attn_window_size"));
        assertTrue(assertThrows(ModelFormatException.class, () -> SnacConfig.parse(ok.replace("[4,2,1]", "[8,4,2,1]"), null))
                .getMessage().contains("vq_strides"));
        assertTrue(assertThrows(ModelFormatException.class, () -> SnacConfig.parse(ok.replace("\"decoder_dim\":1024", "\"decoder_dim\":1000"),
                null)).getMessage().contains("decoder_dim"));
        assertTrue(assertThrows(ModelFormatException.class, () -> SnacConfig.parse(ok.replace("\"decoder_dim\":1024,", ""), null))
                .getMessage().contains("decoder_dim"));
        assertThrows(ModelFormatException.class, () -> SnacConfig.parse("[1,2]", null));
        assertThrows(ModelFormatException.class, () -> SnacConfig.parse("{\"noise\": ", null));
        assertThrows(ModelFormatException.class, () -> SnacConfig.parse(ok.replace("\"noise\":true", "\"noise\":\"yes\""), null));
    }

    @Test
    void upSamplingRatesWhoseProductWrapsALongAreRefusedNamingTheKey() {
        // 11 rates of 64 multiply to 2^66, which wrapped to 0 and passed the "<= 65536" check; decoder_dim 2048 = 2^11
        String wraps = "{\"sampling_rate\":24000,\"encoder_dim\":48,\"encoder_rates\":[2,4,8,8],\"decoder_dim\":2048,"
                + "\"decoder_rates\":[64,64,64,64,64,64,64,64,64,64,64],\"codebook_size\":4096,\"codebook_dim\":8,\"vq_strides\":[4,2,1]}";
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SnacConfig.parse(wraps, Path.of("config.json")));
        assertEquals("decoder_rates", e.item());
        assertTrue(e.getMessage().contains("exceeds 65536"), e.getMessage());
    }

    @Test
    void snacNumbersGivenAsStringsAndBrokenJsonGiveOneLineNamingTheKey() {
        String ok = "{\"sampling_rate\":24000,\"encoder_dim\":48,\"encoder_rates\":[2,4,8,8],\"decoder_dim\":1024,"
                + "\"decoder_rates\":[8,8,4,2],\"codebook_size\":4096,\"codebook_dim\":8,\"vq_strides\":[4,2,1]}";
        Path f = Path.of("config.json");
        for (String[] edit : new String[][] {{"\"sampling_rate\":24000", "\"sampling_rate\":\"24000\"", "sampling_rate"},
                {"[2,4,8,8]", "[2,\"4\",8,8]", "encoder_rates"}, {"\"encoder_dim\":48", "\"encoder_dim\":48.0", "encoder_dim"},
                {"\"encoder_dim\":48", "\"encoder_dim\":1073741824", "encoder_dim"}, {"\"codebook_dim\":8", "\"codebook_dim\":-8", "codebook_dim"}}) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> SnacConfig.parse(ok.replace(edit[0], edit[1]), f), edit[1]);
            assertEquals(edit[2], e.item(), e.getMessage());
            assertTrue(e.getMessage().startsWith(edit[2]) && !e.getMessage().contains("\n"), e.getMessage());
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SnacConfig.parse("{\"noise\": ", f));
        assertTrue(!e.getMessage().contains("\n") && e.getMessage().contains("config.json"), e.getMessage());
    }

    /** A view of the golden weights with renamed, dropped or replaced tensors. */
    record Edited(TensorSource base, UnaryOperator<String> rename, Map<String, TensorData> replace) implements TensorSource {
        @Override
        public SequencedSet<String> names() {
            SequencedSet<String> out = new LinkedHashSet<>();
            for (String n : base.names()) {
                String r = rename.apply(n);
                if (r != null) {
                    out.add(r);
                }
            }
            out.addAll(replace.keySet());
            return out;
        }

        @Override
        public Optional<TensorData> find(String name) {
            if (replace.containsKey(name)) {
                return Optional.of(replace.get(name));
            }
            for (String n : base.names()) {
                if (name.equals(rename.apply(n))) {
                    TensorData t = base.get(n);
                    return Optional.of(new TensorData(name, t.dtype(), t.shape(), t.data()));
                }
            }
            return Optional.empty();
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public Path path() {
            return base.path();
        }

        @Override
        public String formatName() {
            return "edited";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void loaderRejectsMissingUnexpectedAndMisshapenTensors() {
        SnacConfig cfg = SnacGolden.reducedConfig();
        try (SafetensorsFile f = SafetensorsFile.open(SnacGolden.dir().resolve("weights_reduced.safetensors"))) {
            String missing = "decoder.model.4.block.4.block.3.parametrizations.weight.original1";
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> SnacWeights.load(new Edited(f, n -> n.equals(missing) ? null : n, Map.of()), cfg));
            assertTrue(e.getMessage().contains(missing) && e.getMessage().contains("missing"), e.getMessage());

            e = assertThrows(ModelFormatException.class, () -> SnacWeights.load(new Edited(f, n -> n, Map.of("decoder.model.9.alpha",
                    f.get("decoder.model.6.alpha"))), cfg));
            assertTrue(e.getMessage().contains("decoder.model.9.alpha") && e.getMessage().contains("unexpected"), e.getMessage());

            TensorData alpha = f.get("decoder.model.2.block.0.alpha");
            TensorData wrong = new TensorData("decoder.model.6.alpha", alpha.dtype(), alpha.shape(), alpha.data());
            e = assertThrows(ModelFormatException.class, () -> SnacWeights.load(new Edited(f, n -> n.equals("decoder.model.6.alpha") ? null : n,
                    Map.of("decoder.model.6.alpha", wrong)), cfg));
            assertTrue(e.getMessage().contains("decoder.model.6.alpha") && e.getMessage().contains("shape"), e.getMessage());

            // both namings of one tensor at once is ambiguous
            String g = "decoder.model.7.parametrizations.weight.original0";
            e = assertThrows(ModelFormatException.class, () -> SnacWeights.load(new Edited(f, n -> n, Map.of("decoder.model.7.weight_g",
                    f.get(g))), cfg));
            assertTrue(e.getMessage().contains("both"), e.getMessage());

            // encoder tensors may be absent: the golden file has them, a decoder-only file loads too
            SnacWeights w = SnacWeights.load(new Edited(f, n -> n.startsWith("encoder.") || n.contains("in_proj") ? null : n, Map.of()), cfg);
            assertTrue(w.parameterCount() > 0);
        }
    }

    @Test
    void zeroWeightNormDirectionIsRejected() {
        SnacConfig cfg = SnacGolden.reducedConfig();
        try (SafetensorsFile f = SafetensorsFile.open(SnacGolden.dir().resolve("weights_reduced.safetensors"))) {
            String v = "decoder.model.7.parametrizations.weight.original1";
            TensorData t = f.get(v);
            TensorData zeros = new TensorData(v, t.dtype(), t.shape(), MemorySegment.ofArray(new float[(int) t.elementCount()]));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> SnacWeights.load(new Edited(f, n -> n.equals(v) ? null : n,
                    Map.of(v, zeros)), cfg));
            assertTrue(e.getMessage().contains("norm"), e.getMessage());
        }
    }
}
