package ai.maya1.tts;

import ai.maya1.acoustic.FinishReason;
import java.time.Duration;

/**
 * What one request cost and produced.
 *
 * @param timeToFirstAudio request start to the first PCM sample delivered to the caller
 * @param total            request start to the last sample delivered
 * @param promptTokens     prompt tokens over all pieces
 * @param lmTokens         LM tokens generated over all pieces (including CODE_END)
 * @param lmNanos          wall time spent in the LM (prefill + decode)
 * @param vocoderNanos     wall time spent in the vocoder (may overlap LM time: they are pipelined)
 * @param frames           SNAC frames decoded
 * @param samples          samples delivered (24 kHz)
 * @param pieces           pieces the text was split into
 * @param finishReason     END_OF_SPEECH when every piece ended naturally, else the first limit or event that ended one
 * @param cached           served from the {@link SpeechCache}
 * @param testModel        produced by the built-in test model (output is not speech)
 */
public record SpeechStats(Duration timeToFirstAudio, Duration total, int promptTokens, int lmTokens, long lmNanos, long vocoderNanos,
                          int frames, long samples, int pieces, FinishReason finishReason, boolean cached,
                          boolean testModel) {

    /** Output sample rate of the engine. */
    public static final int SAMPLE_RATE = 24_000;

    /** Seconds of audio delivered. */
    public double audioSeconds() {
        return samples / (double) SAMPLE_RATE;
    }

    /** LM tokens per second of LM wall time. */
    public double lmTokensPerSecond() {
        return lmNanos <= 0 ? 0 : lmTokens * 1e9 / lmNanos;
    }

    /** Real-time factor: wall time / audio duration (below 1 is faster than real time). */
    public double realTimeFactor() {
        double a = audioSeconds();
        return a <= 0 ? Double.POSITIVE_INFINITY : total.toNanos() / 1e9 / a;
    }

    /** Whether the text was spoken completely (every piece reached CODE_END). */
    public boolean complete() {
        return finishReason == FinishReason.END_OF_SPEECH;
    }

    /** One line for logs and the CLI; it ends with the test-model label when the test model made the audio. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "TTFA %d ms, RTF %.3f, %.2f s audio, %d frames, %d LM tokens (%.1f tok/s), %s%s%s%s",
                timeToFirstAudio.toMillis(), realTimeFactor(), audioSeconds(), frames, lmTokens, lmTokensPerSecond(), finishReason,
                pieces > 1 ? ", " + pieces + " pieces" : "", cached ? ", cached" : "", testModel ? " (" + EngineInfo.TEST_MODEL_LABEL + ")" : "");
    }

    /**
     * The record's fields, led by {@link EngineInfo#TEST_MODEL_LABEL} for test-model audio: whoever logs or prints a
     * result learns it is not speech, with or without an SLF4J binding.
     */
    @Override
    public String toString() {
        return (testModel ? EngineInfo.TEST_MODEL_LABEL + ": " : "") + "SpeechStats[timeToFirstAudio=" + timeToFirstAudio + ", total=" + total
                + ", promptTokens=" + promptTokens + ", lmTokens=" + lmTokens + ", lmNanos=" + lmNanos + ", vocoderNanos=" + vocoderNanos
                + ", frames=" + frames + ", samples=" + samples + ", pieces=" + pieces + ", finishReason=" + finishReason + ", cached=" + cached
                + ", testModel=" + testModel + "]";
    }
}
