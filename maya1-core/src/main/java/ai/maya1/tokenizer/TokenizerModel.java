package ai.maya1.tokenizer;

import java.util.List;
import java.util.Map;

/**
 * What {@link TokenizerJsonReader} reads from a tokenizer.json, checked and ready to encode with: the vocabulary both
 * ways, the added tokens, the byte-level BPE, the pre-tokenizer and the post-processor's ids.
 *
 * @param idToBytes the bytes each id decodes to (null where no token has the id)
 * @param addPrefixSpace ByteLevel's add_prefix_space on the whole text
 * @param addPrefixSpacePerPiece add_prefix_space applied to each Split piece (ByteLevel after a Split)
 */
record TokenizerModel(String source, Map<String, Integer> vocab, List<AddedToken> addedTokens, int vocabSize,
        String[] idToToken, byte[][] idToBytes, ByteLevelBpe bpe, PreTokenSplitter splitter, boolean addPrefixSpace,
        boolean addPrefixSpacePerPiece, int[] prefixIds, int[] suffixIds) {
}
