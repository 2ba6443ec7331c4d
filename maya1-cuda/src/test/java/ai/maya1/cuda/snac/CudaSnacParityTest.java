package ai.maya1.cuda.snac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.cuda.Cuda;
import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.CudaModule;
import ai.maya1.cuda.CudaStream;
import ai.maya1.cuda.DeviceBuffer;
import ai.maya1.cuda.GoldenData;
import ai.maya1.cuda.RequiresGpu;
import ai.maya1.cuda.KernelArgs;
import ai.maya1.cuda.KernelResources;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.VocoderStream;
import ai.maya1.weights.SafetensorsFile;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GPU parity of the SNAC kernels with the golden data (float32: 1e-4). Skips without a GPU. */
@RequiresGpu
class CudaSnacParityTest {
    static CudaDevice device;
    static CudaSnacVocoder vocoder;

    @BeforeAll
    static void load() {
        device = Cuda.openDevice();
        try (SafetensorsFile f = SafetensorsFile.open(GoldenData.golden("snac/weights_reduced.safetensors"))) {
            vocoder = CudaSnacVocoder.load(device, f, CudaSnacConfig.load(GoldenData.golden("snac/config_reduced.json")));
        }
    }

    @AfterAll
    static void close() {
        if (vocoder != null) {
            vocoder.close();
            vocoder.close();
        }
        if (device != null) {
            device.close();
            device.close();
        }
    }

    static SnacCodes codes(String name) {
        JsonNode c = GoldenData.json("snac/codes.json").get("cases").get(name).get("codes");
        int[][][] lv = new int[3][][];
        for (int l = 0; l < 3; l++) {
            lv[l] = new int[c.get(l).size()][];
            for (int b = 0; b < lv[l].length; b++) {
                JsonNode row = c.get(l).get(b);
                lv[l][b] = new int[row.size()];
                for (int t = 0; t < row.size(); t++) {
                    lv[l][b][t] = row.get(t).asInt();
                }
            }
        }
        return new SnacCodes(lv[0], lv[1], lv[2]);
    }

    static float[] flat(float[][] a) {
        int n = 0;
        for (float[] r : a) {
            n += r.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] r : a) {
            System.arraycopy(r, 0, out, o, r.length);
            o += r.length;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"case1", "case2", "case3", "case4_batch2"})
    void offlineDecodeMatchesGolden(String name) {
        float[] want = GoldenData.f32("snac/" + (name.equals("case4_batch2") ? "case4_batch2" : name) + "_audio.f32");
        float[] got = flat(vocoder.decode(codes(name), NoiseMode.zero()));
        float err = GoldenData.maxAbsDiff(want, got);
        assertTrue(err <= 1e-4f, name + ": max |error| " + err);
    }

    @Test
    void legacyWeightNamesGiveTheSameAudio() {
        try (SafetensorsFile f = SafetensorsFile.open(GoldenData.golden("snac/weights_reduced_legacy_names.safetensors"));
             CudaSnacVocoder legacy = CudaSnacVocoder.load(device, f, CudaSnacConfig.load(GoldenData.golden("snac/config_reduced.json")))) {
            assertArrayEquals(flat(vocoder.decode(codes("case2"), NoiseMode.zero())), flat(legacy.decode(codes("case2"), NoiseMode.zero())));
        }
    }

    @Test
    void explicitNoiseMatchesGoldenNoiseCase() {
        float[][][] noise = new float[4][1][];
        try (SafetensorsFile f = SafetensorsFile.open(GoldenData.golden("snac/case2_noise_inputs.safetensors"))) {
            for (int k = 0; k < 4; k++) {
                noise[k][0] = f.get("decoder.model." + (k + 2) + ".block.2.noise").toFloatArray();
            }
        }
        float[] got = flat(vocoder.decodeWithNoise(codes("case2"), noise));
        float err = GoldenData.maxAbsDiff(GoldenData.f32("snac/case2_noise_audio.f32"), got);
        assertTrue(err <= 1e-4f, "noise case: max |error| " + err);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, 5})
    void exactStreamingEqualsOfflineForAnyChunking(long seed) {
        NoiseMode mode = seed < 0 ? NoiseMode.zero() : NoiseMode.seeded(seed);
        SnacCodes c = codes("case3");
        float[] offline = flat(vocoder.decode(c, mode));
        Random r = new Random(11);
        List<float[]> parts = new ArrayList<>();
        try (VocoderStream s = vocoder.openStream(mode)) {
            int f = 0;
            while (f < c.frames()) {
                int n = Math.min(c.frames() - f, r.nextInt(4));
                SnacFrame[] fr = new SnacFrame[n];
                for (int i = 0; i < n; i++) {
                    fr[i] = c.frame(0, f + i);
                }
                parts.add(s.push(fr));
                f += n;
            }
            parts.add(s.flush());
            assertEquals(offline.length, s.samplesEmitted());
        }
        float[] streamed = flat(parts.toArray(new float[0][]));
        assertTrue(GoldenData.maxAbsDiff(offline, streamed) <= 1e-6f);
    }

    @Test
    void streamHoldsBackExactlyTheLookahead() {
        SnacCodes c = codes("case3");
        try (VocoderStream s = vocoder.openStream(NoiseMode.zero())) {
            long pushed = 0;
            for (int f = 0; f < c.frames(); f++) {
                s.push(c.frame(0, f));
                pushed += 2048;
                assertEquals(Math.max(0, pushed - vocoder.lookaheadSamples()), s.samplesEmitted());
            }
        }
    }

    /** Seeded NoiseBlocks: the cuda backend gives the java backend's audio (same counter-based noise). */
    @Test
    void seededAudioMatchesTheCpuDecoder() {
        try (SafetensorsFile f = SafetensorsFile.open(GoldenData.golden("snac/weights_reduced.safetensors"));
             ai.maya1.concurrent.ComputeExecutor ex = new ai.maya1.concurrent.ComputeExecutor(1, "cpu-snac")) {
            ai.maya1.vocoder.snac.SnacDecoder cpu = ai.maya1.vocoder.snac.SnacDecoder.load(f,
                    ai.maya1.vocoder.snac.SnacConfig.load(GoldenData.golden("snac/config_reduced.json")), ex);
            for (String name : new String[] {"case2", "case4_batch2"}) {
                float[] want = flat(cpu.decode(codes(name), NoiseMode.seeded(77)));
                float[] got = flat(vocoder.decode(codes(name), NoiseMode.seeded(77)));
                float err = GoldenData.maxAbsDiff(want, got);
                assertTrue(err <= 1e-4f, name + " seeded: max |cuda - java| " + err);
            }
        }
    }

    @Test
    void givenNoiseBeyondItsLengthIsRefused() {
        float[][][] noise = new float[4][1][4];
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> vocoder.decode(codes("case2"), NoiseMode.given(noise)));
    }

    @Test
    void gpuNoiseGeneratorMatchesTheJavaFormula() {
        try (CudaModule m = device.loadModule(KernelResources.SNAC); CudaStream st = device.createStream();
             DeviceBuffer out = device.allocate(4L * 4096, "noise probe")) {
            long seed = 0x1234_5678_9ABCL;
            m.kernel("snac_noise_probe").launch(st, 16, 1, 1, 256, 0, KernelArgs.of().i64(seed).i32(2).i32(1).i64(1_000_000L).i32(4096).ptr(out));
            st.synchronize();
            float[] got = new float[4096];
            out.download(got, 0, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(SnacNoise.noise(seed, 2, 1, 1_000_000L + i), got[i], 1e-6f, "position " + i);
            }
        }
    }
}
