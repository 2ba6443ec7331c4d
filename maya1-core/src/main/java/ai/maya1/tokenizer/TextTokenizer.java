package ai.maya1.tokenizer;

import java.util.OptionalInt;

/**
 * The first layer of the pipeline: text to token ids and back. Usable on its own, without loading a model.
 *
 * <p>Implementations are immutable and safe to share between threads.
 */
public interface TextTokenizer {

    /**
     * Encodes text to ids exactly as Hugging Face's tokenizers library does.
     *
     * <p>Special tokens typed in the text (for example {@code <|eot_id|>}) are NOT turned into control ids: that
     * would let user text inject control tokens. Only a prompt builder inserts control ids.
     *
     * @param text              any string; never throws on content
     * @param addSpecialTokens  whether to apply the tokenizer's post-processor (e.g. a leading BOS)
     */
    int[] encode(String text, boolean addSpecialTokens);

    /** Decodes ids to text; invalid UTF-8 byte runs become U+FFFD, never an exception. Special tokens included. */
    String decode(int[] ids);

    /** Number of ids (base vocabulary plus added tokens). */
    int vocabSize();

    /** The id of a token string exactly as stored (vocab or added token), if present. */
    OptionalInt tokenId(String token);

    /** The stored string of an id, or null if the id is unknown. */
    String tokenString(int id);
}
