package ai.maya1.cli;

import ai.maya1.tokenizer.HfTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maya1 tokenize --tokenizer tokenizer.json (--file TEXT.txt | --text "...")}: prints the ids as one JSON
 * array on the last line of stdout. No special tokens are added unless asked, and special tokens typed in the text
 * stay text (the SDK's injection-safe default).
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Encode text with a Hugging Face tokenizer.json; prints the ids as one JSON array on the last line of stdout.")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = "--tokenizer", required = true, paramLabel = "PATH", description = "tokenizer.json")
    Path tokenizer;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--file", paramLabel = "TEXT.txt", description = "UTF-8 text file, encoded exactly as stored")
        Path file;

        @Option(names = "--text", paramLabel = "TEXT", description = "text to encode")
        String text;
    }

    @Option(names = "--add-special-tokens", description = "apply the tokenizer's post-processor (e.g. a leading BOS)")
    boolean addSpecialTokens;

    @Option(names = "--decode", description = "also print the decoded text (on a line before the ids)")
    boolean decode;

    @Override
    public Integer call() throws IOException {
        String text = input.text != null ? input.text : readUtf8(input.file);
        HfTokenizer tok = HfTokenizer.load(tokenizer);
        int[] ids = tok.encode(text, addSpecialTokens);
        PrintStream out = System.out;
        if (decode) {
            out.println("decoded: " + tok.decode(ids).replace("\n", "\\n"));
        }
        StringBuilder sb = new StringBuilder(ids.length * 7 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(ids[i]);
        }
        out.println(sb.append(']'));
        out.flush();
        return 0;
    }

    private static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not valid UTF-8");
        }
    }
}
