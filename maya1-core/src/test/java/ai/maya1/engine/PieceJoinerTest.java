package ai.maya1.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PieceJoinerTest {

    static float[] ramp(int n, float base) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = base + i * 1e-3f;
        }
        return a;
    }

    static float[] run(List<float[]> pieces, int trim, int xf, int chunk) {
        PieceJoiner j = new PieceJoiner(trim, xf);
        float[] out = new float[0];
        for (int p = 0; p < pieces.size(); p++) {
            j.startPiece();
            float[] s = pieces.get(p);
            for (int i = 0; i < s.length; i += chunk) {
                out = ResamplerTestHelper.concat(out, j.accept(Arrays.copyOfRange(s, i, Math.min(s.length, i + chunk))));
            }
            out = ResamplerTestHelper.concat(out, j.endPiece(p + 1 < pieces.size()));
        }
        return out;
    }

    @Test
    void trimsEachPieceAndCrossfadesLinearly() {
        float[] a = new float[100];
        Arrays.fill(a, 1f);
        float[] b = new float[100];
        Arrays.fill(b, -1f);
        float[] out = run(List.of(a, b), 10, 20, 7);
        assertEquals(90 + 90 - 20, out.length);
        assertEquals(1f, out[0]);
        assertEquals(1f, out[69]);
        // crossfade region 70..89: weight of b rises from 0.025 to 0.975
        assertEquals(1f * (1 - 0.025f) - 0.025f, out[70], 1e-6);
        assertEquals(1f * 0.025f - 0.975f, out[89], 1e-6);
        assertEquals(-1f, out[90]);
        assertEquals(-1f, out[out.length - 1]);
    }

    @Test
    void noCrossfadeIsAPlainJoin() {
        float[] a = ramp(50, 0);
        float[] b = ramp(60, 5);
        float[] out = run(List.of(a, b), 0, 0, 13);
        float[] expect = ResamplerTestHelper.concat(a, b);
        assertArrayEquals(expect, out);
    }

    @Property(tries = 200)
    void outputDoesNotDependOnChunking(@ForAll @IntRange(min = 1, max = 300) int chunk, @ForAll @IntRange(min = 0, max = 64) int xf,
                                       @ForAll @IntRange(min = 0, max = 80) int shortLen) {
        List<float[]> pieces = List.of(ramp(400, 0), ramp(shortLen, 1), ramp(300, 2), ramp(250, 3));
        float[] ref = run(pieces, 32, xf, 100_000);
        float[] got = run(pieces, 32, xf, chunk);
        assertArrayEquals(ref, got);
        // length: every piece loses the trim, every join overlaps by the (possibly shortened) crossfade
        int total = 0;
        for (float[] p : pieces) {
            total += Math.max(0, p.length - 32);
        }
        assertEquals(true, ref.length <= total && ref.length >= total - 3 * xf, "length " + ref.length + " of " + total);
    }
}
