package ai.maya1.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Shared vector step of the K-quant kernels; loaded only on the vector path. */
final class KQuantVec {
    private KQuantVec() {
    }

    /**
     * {@code acc += (q[i] · scale − min) · x[xi + i]} for the 16 decoded integer weights in {@code q}, widened to
     * float lanes part by part.
     */
    static FloatVector step16(VectorSpecies<Float> fs, ByteVector q, float scale, float min, float[] x, int xi, FloatVector acc) {
        int lanes = fs.length();
        FloatVector s = FloatVector.broadcast(fs, scale);
        FloatVector m = FloatVector.broadcast(fs, -min);
        for (int p = 0; p < 16 / lanes; p++) {
            FloatVector w = ((FloatVector) q.convertShape(VectorOperators.B2F, fs, p)).fma(s, m);
            acc = w.fma(FloatVector.fromArray(fs, x, xi + p * lanes), acc);
        }
        return acc;
    }
}
