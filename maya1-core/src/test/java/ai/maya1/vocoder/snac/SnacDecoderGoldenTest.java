package ai.maya1.vocoder.snac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorData;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Golden parity of the offline decoder with the reference SNAC (reduced-width model, both weight-norm namings). */
class SnacDecoderGoldenTest {
    static final float AUDIO_TOL = 1e-4f;

    @ParameterizedTest(name = "{0} with {2}")
    @CsvSource({
            "case1, case1_audio.f32, weights_reduced.safetensors",
            "case2, case2_audio.f32, weights_reduced.safetensors",
            "case3, case3_audio.f32, weights_reduced.safetensors",
            "case4_batch2, case4_batch2_audio.f32, weights_reduced.safetensors",
            "case1, case1_audio.f32, weights_reduced_legacy_names.safetensors",
            "case2, case2_audio.f32, weights_reduced_legacy_names.safetensors",
            "case3, case3_audio.f32, weights_reduced_legacy_names.safetensors",
            "case4_batch2, case4_batch2_audio.f32, weights_reduced_legacy_names.safetensors"})
    void everyCaseMatchesTheReference(String caseName, String audioFile, String weights) {
        SnacDecoder dec = weights.equals("weights_reduced.safetensors") ? SnacGolden.reducedDecoder() : SnacGolden.load(weights);
        SnacCodes codes = SnacGolden.codes(caseName);
        float[][] out = dec.decode(codes, NoiseMode.zero());
        float[] expected = SnacGolden.audio(audioFile);
        int n = codes.frames() * 2048;
        assertEquals(codes.batch() * n, expected.length);
        for (int b = 0; b < codes.batch(); b++) {
            assertEquals(n, out[b].length);
            float err = SnacGolden.maxAbsDiff(out[b], 0, expected, b * n, n);
            System.out.printf("golden %s item %d (%s): max abs error %.3g%n", caseName, b, weights, err);
            assertTrue(err <= AUDIO_TOL, caseName + " item " + b + ": max abs error " + err);
        }
    }

    @Test
    void injectedNoiseMatchesTheNoiseCase() {
        float[][][] noise = new float[4][1][];
        try (SafetensorsFile f = SafetensorsFile.open(SnacGolden.dir().resolve("case2_noise_inputs.safetensors"))) {
            for (int k = 0; k < 4; k++) {
                noise[k][0] = f.get("decoder.model." + (k + 2) + ".block.2.noise").toFloatArray();
            }
        }
        float[][] out = SnacGolden.reducedDecoder().decode(SnacGolden.codes("case2"), NoiseMode.given(noise));
        float[] expected = SnacGolden.audio("case2_noise_audio.f32");
        float err = SnacGolden.maxAbsDiff(out[0], 0, expected, 0, expected.length);
        System.out.printf("golden case2_noise: max abs error %.3g%n", err);
        assertTrue(err <= AUDIO_TOL, "noise case: max abs error " + err);
        // and the noise really matters: without it the output differs
        float[] plain = SnacGolden.audio("case2_audio.f32");
        assertTrue(SnacGolden.maxAbsDiff(out[0], 0, plain, 0, plain.length) > 1e-3f);
    }

    @Test
    void everyIntermediateMatchesWithinTolerance() {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        SnacCodes codes = SnacGolden.codes("case1");
        Map<String, float[]> got = new HashMap<>();
        Map<String, Integer> channels = new HashMap<>();
        DecoderState st = dec.newState(NoiseSource.of(NoiseMode.zero()), 0);
        st.probe((name, data, off, rows, ch) -> {
            float[] prev = got.getOrDefault(name, new float[0]);
            float[] all = java.util.Arrays.copyOf(prev, prev.length + rows * ch);
            System.arraycopy(data, off, all, prev.length, rows * ch);
            got.put(name, all);
            channels.put(name, ch);
        });
        float[] audio = new float[st.maxSamples(1)];
        int n = st.process(dec.executor(), new int[][] {codes.level0()[0], codes.level1()[0], codes.level2()[0]}, new int[] {0, 0, 0}, 1,
                true, audio, 0);
        assertEquals(2048, n);
        int compared = 0;
        float worstRel = 0;
        String worstName = "";
        try (SafetensorsFile f = SafetensorsFile.open(SnacGolden.dir().resolve("case1_intermediates.safetensors"))) {
            for (String name : f.names()) {
                TensorData td = f.get(name);
                float[] ref = td.toFloatArray(); // [1, C, L]
                float[] mine = got.get(name);
                if (mine == null) {
                    throw new AssertionError("no intermediate reported for " + name);
                }
                int c = (int) td.dim(1);
                int l = (int) td.dim(2);
                assertEquals((int) channels.get(name), c, name + " channels");
                assertEquals(c * l, mine.length, name + " size");
                float refMax = 0;
                float err = 0;
                for (int ch = 0; ch < c; ch++) {
                    for (int t = 0; t < l; t++) {
                        float r = ref[ch * l + t];
                        refMax = Math.max(refMax, Math.abs(r));
                        err = Math.max(err, Math.abs(r - mine[t * c + ch]));
                    }
                }
                float tol = 1e-4f * Math.max(1f, refMax);
                assertTrue(err <= tol, name + ": max abs error " + err + " > " + tol);
                if (err / Math.max(1f, refMax) > worstRel) {
                    worstRel = err / Math.max(1f, refMax);
                    worstName = name;
                }
                compared++;
            }
        }
        assertEquals(107, compared);
        System.out.printf("golden intermediates: worst error / max(1, max|ref|) = %.3g at %s%n", worstRel, worstName); // README: 107 intermediates
    }
}
