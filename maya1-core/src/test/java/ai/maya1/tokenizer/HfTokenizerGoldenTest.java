package ai.maya1.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.maya1.testing.Golden;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Id-for-id parity with Hugging Face tokenizers (Rust) on the shared golden cases and the generated extra cases. */
class HfTokenizerGoldenTest {

    @Test
    void allSharedGoldenCasesMatchExactly() throws IOException {
        JsonNode root = new ObjectMapper().readTree(Golden.golden("tokenizer/llama3_cases.json").toFile());
        HfTokenizer tok = Llama3Fixture.llama3();
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (JsonNode c : root.get("cases")) {
            String text = c.get("text").asText();
            int[] want = Llama3Fixture.ids(c.get("ids"));
            int[] got = tok.encode(text, false);
            if (!java.util.Arrays.equals(want, got)) {
                failures.add(String.format("%s%n  want %s%n  got  %s", text, java.util.Arrays.toString(want), java.util.Arrays.toString(got)));
            }
            assertEquals(text, tok.decode(got), "round trip");
            n++;
        }
        assertEquals(83, n, "golden case count");
        assertEquals(List.of(), failures);
    }

    @Test
    void extraLlama3CasesMatchExactly() {
        JsonNode root = Llama3Fixture.resource("llama3_extra_cases.json");
        HfTokenizer tok = Llama3Fixture.llama3();
        List<String> failures = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String text = c.get("text").asText();
            int[] want = Llama3Fixture.ids(c.get("ids"));
            int[] got = tok.encode(text, c.get("add_special_tokens").asBoolean());
            if (!java.util.Arrays.equals(want, got)) {
                failures.add(String.format("%s%n  want %s%n  got  %s", text.codePoints().mapToObj(Integer::toHexString).toList(),
                        java.util.Arrays.toString(want), java.util.Arrays.toString(got)));
            }
        }
        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), failures.size() + " failures");
        for (JsonNode c : root.get("decode")) {
            assertEquals(c.get("text").asText(), tok.decode(Llama3Fixture.ids(c.get("ids"))), c.get("ids").toString());
        }
    }

    @Test
    void gpt2StyleAndPrefixSpaceVariantsMatchExactly() {
        JsonNode root = Llama3Fixture.resource("variant_cases.json");
        int files = 0;
        for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) root.get("tokenizers")::fields) {
            HfTokenizer tok = Llama3Fixture.resourceTokenizer(e.getKey());
            List<String> failures = new ArrayList<>();
            for (JsonNode c : e.getValue().get("cases")) {
                String text = c.get("text").asText();
                int[] want = Llama3Fixture.ids(c.get("ids"));
                int[] got = tok.encode(text, false);
                if (!java.util.Arrays.equals(want, got)) {
                    failures.add(String.format("%s%n  want %s%n  got  %s", text, java.util.Arrays.toString(want), java.util.Arrays.toString(got)));
                }
            }
            assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), e.getKey() + ": " + failures.size() + " failures");
            files++;
        }
        assertEquals(3, files);
    }

    @Test
    void maya1LikeTokenizersMatchExactly() {
        JsonNode root = Llama3Fixture.resource("maya1_like_cases.json");
        for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) root.get("tokenizers")::fields) {
            HfTokenizer tok = Llama3Fixture.resourceTokenizer(e.getKey());
            List<String> failures = new ArrayList<>();
            for (JsonNode c : e.getValue().get("cases")) {
                String text = c.get("text").asText();
                int[] want = Llama3Fixture.ids(c.get("ids"));
                int[] got = tok.encode(text, c.get("add_special_tokens").asBoolean());
                if (!java.util.Arrays.equals(want, got)) {
                    failures.add(String.format("%s (special %s)%n  want %s%n  got  %s", text, c.get("add_special_tokens"),
                            java.util.Arrays.toString(want), java.util.Arrays.toString(got)));
                }
            }
            assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), e.getKey() + ": " + failures.size() + " failures");
            for (JsonNode c : e.getValue().get("decode")) {
                assertEquals(c.get("text").asText(), tok.decode(Llama3Fixture.ids(c.get("ids"))), c.get("ids").toString());
            }
            for (JsonNode p : e.getValue().get("prompts")) {
                // Hugging Face's default (special tokens recognized): the reference prompt string
                assertArrayEquals(Llama3Fixture.ids(p.get("ids")), tok.encodeTrusted(p.get("prompt").asText(), true), p.get("prompt").asText());
            }
        }
    }
}
