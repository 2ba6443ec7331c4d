package ai.maya1.engine;

import java.util.Arrays;

final class ResamplerTestHelper {
    private ResamplerTestHelper() {
    }

    static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
