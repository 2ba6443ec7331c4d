package ai.maya1.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sums with one fixed order.
 *
 * <p>Why not {@code reduceLanes(ADD)}: its float addition order is unspecified. C2's intrinsic adds in a tree while
 * the interpreter and C1 run the Java fallback, which adds lane by lane, so the same dot product could differ in
 * the last bit depending on whether the calling method was JIT-compiled yet. That broke bit-reproducibility
 * (a request's output must not depend on warm-up, batching or what ran before). Extracting the lanes and adding them
 * in lane order gives the same float in every execution mode; it runs once per output row, after the main loop, so
 * its cost is negligible. Only referenced from Vector API code paths, so this class loads only when the incubator
 * module is present.
 */
public final class VectorLanes {
    private VectorLanes() {
    }

    /** {@code ((v[0] + v[1]) + v[2]) + ...} in lane order. */
    public static float sum(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
