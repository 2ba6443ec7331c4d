package ai.maya1.vocoder.snac;

import ai.maya1.vocoder.NoiseMode;

/**
 * The NoiseBlocks' N(0,1) values as a pure function of (block, batch item, absolute position): chunking,
 * streaming and threading cannot change them.
 */
abstract sealed class NoiseSource {
    /** True when the NoiseBlocks are an identity (their linear layer need not run). */
    abstract boolean isZero();

    /** Fills {@code out[0..n)} with the values of block {@code block}, item {@code item}, positions {@code pos..pos+n}. */
    abstract void fill(int block, int item, long pos, float[] out, int n);

    static NoiseSource of(NoiseMode mode) {
        return switch (mode) {
            case NoiseMode.Zero z -> new Zero();
            case NoiseMode.Seeded s -> new Counter(s.seed());
            case NoiseMode.Given g -> new Given(g.perBlock());
        };
    }

    static final class Zero extends NoiseSource {
        @Override
        boolean isZero() {
            return true;
        }

        @Override
        void fill(int block, int item, long pos, float[] out, int n) {
            java.util.Arrays.fill(out, 0, n, 0f);
        }
    }

    /**
     * Counter-based Gaussian: two SplitMix64 finalizer rounds over the key (seed, block, item, position) give two
     * 53-bit uniforms, Box-Muller turns them into one normal value.
     */
    static final class Counter extends NoiseSource {
        private final long seed;

        Counter(long seed) {
            this.seed = seed;
        }

        @Override
        boolean isZero() {
            return false;
        }

        @Override
        void fill(int block, int item, long pos, float[] out, int n) {
            long key = mix(mix(seed ^ 0x9E3779B97F4A7C15L * (block + 1)) + 0xD1B54A32D192ED03L * (item + 1));
            for (int i = 0; i < n; i++) {
                out[i] = (float) gaussian(key, pos + i);
            }
        }

        static double gaussian(long key, long position) {
            long h1 = mix(key + 0x9E3779B97F4A7C15L * (position + 1));
            long h2 = mix(h1 ^ 0x632BE59BD9B4E019L);
            double u1 = ((h1 >>> 11) + 1) * 0x1.0p-53; // (0, 1]
            double u2 = (h2 >>> 11) * 0x1.0p-53;       // [0, 1)
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }

        static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    static final class Given extends NoiseSource {
        private final float[][][] perBlock;

        Given(float[][][] perBlock) {
            this.perBlock = perBlock;
        }

        @Override
        boolean isZero() {
            return false;
        }

        @Override
        void fill(int block, int item, long pos, float[] out, int n) {
            if (block >= perBlock.length || item >= perBlock[block].length || pos + n > perBlock[block][item].length) {
                throw new IllegalArgumentException("given noise has no value for block " + block + ", batch item " + item
                        + ", positions " + pos + ".." + (pos + n - 1));
            }
            System.arraycopy(perBlock[block][item], (int) pos, out, 0, n);
        }
    }
}
