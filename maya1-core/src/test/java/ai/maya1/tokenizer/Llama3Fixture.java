package ai.maya1.tokenizer;

import ai.maya1.testing.Golden;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Shared test fixtures: the Llama 3 tokenizer (loaded once) and the committed JSON case files. */
final class Llama3Fixture {
    private static volatile HfTokenizer llama3;

    private Llama3Fixture() {
    }

    static HfTokenizer llama3() {
        HfTokenizer t = llama3;
        if (t == null) {
            synchronized (Llama3Fixture.class) {
                if (llama3 == null) {
                    llama3 = HfTokenizer.load(Golden.llama3TokenizerJson());
                }
                t = llama3;
            }
        }
        return t;
    }

    static JsonNode resource(String name) {
        try (InputStream in = Llama3Fixture.class.getResourceAsStream("/tokenizer/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /tokenizer/" + name);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HfTokenizer resourceTokenizer(String name) {
        return HfTokenizer.fromJson(resource(name), name);
    }

    static int[] ids(JsonNode arr) {
        int[] r = new int[arr.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = arr.get(i).intValue();
        }
        return r;
    }
}
