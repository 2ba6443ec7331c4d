package ai.maya1.tokenizer;

/**
 * One entry of tokenizer.json's {@code added_tokens}, with Hugging Face's matching flags.
 *
 * @param id         the id as written in the file (sparse ids are kept)
 * @param content    the exact text
 * @param special    control token: never matched in user text by {@link HfTokenizer#encode(String, boolean)}
 * @param lstrip     a match also takes the white space on its left
 * @param rstrip     a match also takes the white space on its right
 * @param singleWord matches only when not inside a word (Unicode \w on either side)
 * @param normalized matched after normalization (second pass) rather than on the raw text
 */
public record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord,
        boolean normalized) {
}
