package ai.maya1.vocoder.snac;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.testing.Golden;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.weights.SafetensorsFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared access to the golden SNAC folder for the vocoder tests. */
final class SnacGolden {
    static final ComputeExecutor EXECUTOR = new ComputeExecutor(2, "snac-test");
    private static SnacDecoder reduced;

    private SnacGolden() {
    }

    static Path dir() {
        return Golden.golden("snac");
    }

    static SnacConfig reducedConfig() {
        return SnacConfig.load(dir().resolve("config_reduced.json"));
    }

    static synchronized SnacDecoder reducedDecoder() {
        if (reduced == null) {
            reduced = load("weights_reduced.safetensors");
        }
        return reduced;
    }

    static SnacDecoder load(String weightsFile) {
        try (SafetensorsFile f = SafetensorsFile.open(dir().resolve(weightsFile))) {
            return SnacDecoder.load(f, reducedConfig(), EXECUTOR);
        }
    }

    static SnacCodes codes(String caseName) {
        try {
            JsonNode c = new ObjectMapper().readTree(Files.readString(dir().resolve("codes.json"))).get("cases").get(caseName).get("codes");
            int[][][] levels = new int[3][][];
            for (int l = 0; l < 3; l++) {
                JsonNode lv = c.get(l);
                levels[l] = new int[lv.size()][];
                for (int b = 0; b < lv.size(); b++) {
                    levels[l][b] = new int[lv.get(b).size()];
                    for (int t = 0; t < lv.get(b).size(); t++) {
                        levels[l][b][t] = lv.get(b).get(t).intValue();
                    }
                }
            }
            return new SnacCodes(levels[0], levels[1], levels[2]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] audio(String file) {
        return Golden.readF32(dir().resolve(file));
    }

    static float maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        float m = 0;
        for (int i = 0; i < n; i++) {
            float d = Math.abs(a[aOff + i] - b[bOff + i]);
            if (!(d <= m)) {
                m = Float.isNaN(d) ? Float.POSITIVE_INFINITY : d;
            }
        }
        return m;
    }
}
