package ai.maya1.audio;

import java.util.Arrays;

/**
 * Band-limited rational sample-rate conversion (polyphase windowed-sinc, Kaiser window), streaming.
 *
 * <p>For a ratio L/M (reduced) the input is conceptually zero-stuffed by L, low-pass filtered at the upsampled
 * rate and decimated by M; only the taps that meet non-zero input are computed. The low-pass keeps
 * {@code 0.85 x} the lower Nyquist frequency (3.4 kHz at 8 kHz output, the telephony band) and attenuates
 * everything from the lower Nyquist frequency up by at least {@value #STOPBAND_DB} dB, so content the output rate
 * cannot represent is removed instead of aliasing. The filter is linear-phase and its delay is compensated:
 * output sample n is aligned with input time {@code n * inRate / outRate}, and a finished stream has exactly
 * {@code ceil(inputSamples * outRate / inRate)} samples.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public final class Resampler {
    /** Minimum stopband attenuation of the anti-aliasing filter. */
    public static final double STOPBAND_DB = 90;
    /** Passband edge as a fraction of the lower Nyquist frequency. */
    public static final double PASSBAND = 0.85;

    private final int inRate;
    private final int outRate;
    private final int up;
    private final int down;
    private final float[] taps; // at the upsampled rate, scaled by `up`
    private final int center;

    private float[] buf = new float[1024];
    private long bufStart; // input index of buf[0]
    private int bufLen;
    private long received;
    private long produced; // output samples emitted
    private boolean finished;

    public Resampler(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + inRate + " -> " + outRate);
        }
        int g = gcd(inRate, outRate);
        this.inRate = inRate;
        this.outRate = outRate;
        this.up = outRate / g;
        this.down = inRate / g;
        if (up > 1024 || down > 1024) {
            throw new IllegalArgumentException("ratio " + outRate + "/" + inRate + " reduces to " + up + "/" + down + ", too fine for this resampler");
        }
        double fsUp = (double) inRate * up;
        double nyq = Math.min(inRate, outRate) / 2.0;
        double pass = PASSBAND * nyq;
        double stop = nyq;
        double fc = (pass + stop) / 2 / fsUp;           // cycles per upsampled sample
        double dw = 2 * Math.PI * (stop - pass) / fsUp; // transition width in rad/sample
        double beta = 0.1102 * (STOPBAND_DB - 8.7);
        int n = (int) Math.ceil((STOPBAND_DB - 7.95) / (2.285 * dw)) + 1;
        if (n % 2 == 0) {
            n++;
        }
        this.center = (n - 1) / 2;
        double[] h = new double[n];
        double sum = 0;
        double i0b = besselI0(beta);
        for (int j = 0; j < n; j++) {
            double x = j - center;
            double sinc = x == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
            double r = x / center;
            double w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b;
            h[j] = sinc * w;
            sum += h[j];
        }
        this.taps = new float[n];
        for (int j = 0; j < n; j++) {
            taps[j] = (float) (h[j] * up / sum);
        }
    }

    /** Resamples a whole signal. */
    public static float[] resample(float[] in, int inRate, int outRate) {
        if (inRate == outRate) {
            return in.clone();
        }
        Resampler r = new Resampler(inRate, outRate);
        float[] a = r.process(in);
        float[] b = r.finish();
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public int inRate() {
        return inRate;
    }

    public int outRate() {
        return outRate;
    }

    /** Filter length in taps at the upsampled rate. */
    public int taps() {
        return taps.length;
    }

    /** Adds input; returns the output samples that no later input can change. */
    public float[] process(float[] in) {
        if (finished) {
            throw new IllegalStateException("resampler already finished");
        }
        append(in);
        received += in.length;
        return produce(false);
    }

    /** Ends the input (zeros beyond it) and returns the remaining output. */
    public float[] finish() {
        if (finished) {
            return new float[0];
        }
        finished = true;
        return produce(true);
    }

    private float[] produce(boolean flush) {
        long total = flush ? ceilDiv(received * up, down) : Long.MAX_VALUE;
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, ceilDiv((received + taps.length) * up, down) - produced + 1);
        float[] out = new float[Math.max(0, capacity)];
        int count = 0;
        while (produced < total) {
            long t = produced * down + center; // upsampled position of the filter centre's window end
            long lastInput = Math.floorDiv(t, up);
            if (!flush && lastInput >= received) {
                break;
            }
            long firstInput = ceilDiv(t - taps.length + 1, up);
            double acc = 0;
            for (long i = Math.max(firstInput, 0); i <= lastInput; i++) {
                if (i >= received) {
                    break;
                }
                acc += taps[(int) (t - i * up)] * buf[(int) (i - bufStart)];
            }
            if (count == out.length) {
                out = Arrays.copyOf(out, out.length * 2 + 16);
            }
            out[count++] = (float) acc;
            produced++;
        }
        // drop input no future output needs
        long needFrom = ceilDiv(produced * down + center - taps.length + 1, up);
        discardBefore(Math.max(0, needFrom));
        return Arrays.copyOf(out, count);
    }

    private void append(float[] in) {
        if (bufLen + in.length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, bufLen + in.length));
        }
        System.arraycopy(in, 0, buf, bufLen, in.length);
        bufLen += in.length;
    }

    private void discardBefore(long index) {
        int drop = (int) Math.min(bufLen, Math.max(0, index - bufStart));
        if (drop > 0) {
            System.arraycopy(buf, drop, buf, 0, bufLen - drop);
            bufLen -= drop;
            bufStart += drop;
        }
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }
}
