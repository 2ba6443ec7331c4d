package ai.maya1.tts;

/**
 * A piece of streamed audio: mono float PCM at 24 kHz in [-1, 1]. Chunks of one request are contiguous;
 * concatenating them gives exactly what {@link Maya1Tts#synthesize} returns for the same request and seed.
 *
 * @param samples     the samples (owned by the receiver; the engine does not touch the array again)
 * @param sampleRate  24000
 * @param offset      index of the first sample within the whole utterance
 * @param sequence    0, 1, 2 ... in delivery order
 * @param piece       index of the text piece this audio belongs to (long text is split)
 * @param last        true on the final chunk of the request (it may be empty)
 */
public record AudioChunk(float[] samples, int sampleRate, long offset, int sequence, int piece, boolean last) {
    public AudioChunk {
        if (samples == null) {
            throw new IllegalArgumentException("samples is null");
        }
    }

    /** Duration of this chunk in seconds. */
    public double seconds() {
        return samples.length / (double) sampleRate;
    }

    @Override
    public String toString() {
        return "AudioChunk[#" + sequence + ", piece " + piece + ", offset " + offset + ", " + samples.length + " samples" + (last ? ", last]" : "]");
    }
}
