package ai.maya1.tokenizer;

/** Splits a stretch of text into pre-tokens, appending each piece's end offset (UTF-16 index) to {@code ends}. */
interface PreTokenSplitter {
    void split(String s, int from, int to, IntList ends);
}
