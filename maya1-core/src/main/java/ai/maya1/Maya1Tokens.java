package ai.maya1;

/**
 * Maya1's token protocol, the one place its ids are written: the prompt is
 * {@code SOH BOS <description="..."> text EOT EOH SOA SOS}, and the model answers with SNAC code tokens until
 * {@link #CODE_END}, its only stop. Every backend (Java, batched, ONNX, CUDA), the prompt builder and the frame
 * grammar read these constants; the frame layout itself (7 tokens, 4096 codes a codebook) is
 * {@link ai.maya1.vocoder.SnacFrame}'s.
 */
public final class Maya1Tokens {
    /** Llama 3 begin-of-text. */
    public static final int BOS = 128000;
    /** Llama 3 end-of-turn: closes the text part of the prompt. */
    public static final int EOT = 128009;
    /** Start of speech: the first code follows (also called CODE_START). */
    public static final int SOS = 128257;
    /** End of speech: the model's only stop token, allowed at a frame boundary. */
    public static final int CODE_END = 128258;
    /** Start of the human turn. */
    public static final int SOH = 128259;
    /** End of the human turn. */
    public static final int EOH = 128260;
    /** Start of the AI turn. */
    public static final int SOA = 128261;
    /** First SNAC code id; slot k of a frame carries {@code CODE_OFFSET + k·4096 + code}, up to 156937. */
    public static final int CODE_OFFSET = 128266;

    private Maya1Tokens() {
    }
}
