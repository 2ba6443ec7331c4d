package ai.maya1.cuda.snac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The streaming schedule, checked against the convolution definitions by brute force (no GPU needed). */
class SnacStagePlanTest {
    static final int[] RATES_24K = {8, 8, 4, 2};

    @Test
    void lookaheadIsTheRightHalfOfTheReceptiveField() {
        SnacStagePlan p = SnacStagePlan.forRates(RATES_24K);
        assertEquals(512, p.hop());
        assertEquals(4757, p.lookaheadSamples(), "ARCHITECTURE.md section 6: 4757 samples on each side");
    }

    /** Inputs output t of a transposed conv (kernel 2s, stride s, padding p) reads, from the definition. */
    static long[] tconvInputs(long t, int s, int p) {
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (long j = Math.max(0, (t + p - 2L * s) / s - 2); j <= (t + p) / s + 2; j++) {
            for (int k = 0; k < 2 * s; k++) {
                if (j * s + k - p == t) {
                    lo = Math.min(lo, j);
                    hi = Math.max(hi, j);
                }
            }
        }
        return new long[] {lo, hi};
    }

    @Test
    void transposedConvFinalityMatchesTheDefinition() {
        for (int s : new int[] {2, 4, 8}) {
            SnacStagePlan.Stage st = SnacStagePlan.Stage.transposed("t", s);
            for (long nIn = 1; nIn < 40; nIn++) {
                long fin = st.finalOutputs(nIn, false);
                for (long t = 0; t < nIn * s + 3 * s; t++) {
                    long[] in = tconvInputs(t, s, st.padding());
                    // final: every input it reads (within the real signal) is known, and reading past nIn-1 would be needed otherwise
                    boolean needsOnlyKnown = in[1] <= nIn - 1;
                    assertEquals(needsOnlyKnown, t < fin, "s=" + s + " nIn=" + nIn + " t=" + t);
                    if (t == fin) {
                        assertTrue(in[0] >= st.firstNeededInput(fin), "context kept for the next output");
                    }
                }
            }
        }
    }

    @Test
    void centeredConvFinality() {
        SnacStagePlan.Stage st = SnacStagePlan.Stage.conv("c", 9);
        assertEquals(0, st.finalOutputs(5, false));
        assertEquals(11, st.finalOutputs(20, false));
        assertEquals(20, st.finalOutputs(20, true));
        assertEquals(2, st.firstNeededInput(11));
    }

    /**
     * Simulates a stream with random push sizes: every ring always holds the context its next outputs need, the
     * new outputs per step never exceed the sized temporaries, and flush yields exactly 2048 samples per frame.
     */
    @Property(tries = 200)
    void anyPushPatternEmitsEverySampleOnceWithinCapacity(@ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 5) Integer> pushes) {
        SnacStagePlan plan = SnacStagePlan.forRates(RATES_24K);
        int maxFrames = 5;
        int[] maxNew = plan.maxNewInputs(maxFrames, 4);
        List<SnacStagePlan.Stage> st = plan.stages();
        int n = st.size();
        long[] nIn = new long[n + 1];
        long[] nOut = new long[n];
        long frames = 0;
        long emitted = 0;
        for (int step = 0; step <= pushes.size(); step++) {
            boolean flush = step == pushes.size();
            if (!flush) {
                frames += pushes.get(step);
                nIn[0] += 4L * pushes.get(step);
            }
            for (int i = 0; i < n; i++) {
                long fin = st.get(i).finalOutputs(nIn[i], flush);
                long fresh = fin - nOut[i];
                assertTrue(fresh >= 0 && fresh <= maxNew[i + 1], "stage " + st.get(i).name() + " emits " + fresh + " > " + maxNew[i + 1]);
                if (fresh > 0) {
                    // inputs read by this step: from firstNeeded(nOut) to nIn - 1, all present in the ring
                    long span = nIn[i] - st.get(i).firstNeededInput(nOut[i]);
                    assertTrue(span <= st.get(i).ringCapacity(maxNew[i]), "ring of " + st.get(i).name() + " too small: " + span);
                }
                nOut[i] = fin;
                nIn[i + 1] = fin;
            }
            emitted = nIn[n];
        }
        assertEquals(frames * 2048, emitted);
    }
}
