package ai.maya1.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.weights.ModelJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks against what Python's huggingface_hub did (recorded by tools/fixtures/weights/make_hub_interop.py with
 * the huggingface_hub wheel pointed at a loopback mock): the Java downloader, run here against an equivalent
 * Java mock, writes exactly the cache layout Python wrote (paths, symlink targets, blob and tree-cache bytes,
 * refs, CACHEDIR.TAG), and the recorded cross reads (Python reading the Java cache offline, Java the Python one)
 * succeeded.
 */
class HubInteropTest {
    @TempDir
    Path cache;

    static JsonNode recorded() throws Exception {
        return ModelJson.read(Paths.get(HubInteropTest.class.getResource("/fixtures/hub/hub_interop.json").toURI()));
    }

    @Test
    void javaWritesTheCacheLayoutPythonWrites() throws Exception {
        JsonNode rec = recorded();
        byte[] weights = new byte[20000];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) ((i * 31 + 7) % 251);
        }
        try (MockHub hub = new MockHub()) {
            hub.repoId = rec.get("repo_id").asText();
            hub.add("config.json", "{\"model_type\": \"llama\"}\n".getBytes(StandardCharsets.UTF_8), false)
                    .add("model.safetensors", weights, true).add("sub/dir/notes.txt", "hi\n".getBytes(StandardCharsets.UTF_8), false);
            HubSettings s = new HubSettings(hub.endpoint(), cache, cache, Optional.of("hf_interop_token"), false);
            new HfDownloader(s, null).download(hub.repoId, "main");
        }
        ObjectNode javaLayout = layout(cache);
        ObjectNode pythonLayout = (ObjectNode) rec.get("python_layout").deepCopy();
        javaLayout.properties().removeIf(e -> e.getKey().startsWith(".locks"));
        pythonLayout.properties().removeIf(e -> e.getKey().startsWith(".locks"));
        assertEquals(pythonLayout, javaLayout);
        assertTrue(rec.get("lock_files_equal").asBoolean());
    }

    @Test
    void pythonReadTheJavaCacheAndJavaReadThePythonCache() throws Exception {
        JsonNode rec = recorded();
        assertTrue(rec.get("layouts_equal_except_locks").asBoolean());
        JsonNode py = rec.get("python_reads_java_cache");
        String snap = "models--maya-research--maya1-mini/snapshots/" + rec.get("commit").asText();
        assertEquals(snap, py.get("snapshot").asText());
        assertEquals(snap + "/model.safetensors", py.get("file").asText());
        assertTrue(py.get("file_bytes_ok").asBoolean());
        assertEquals(0, py.get("scan_warnings").size());
        assertEquals(3, py.get("nb_files").asInt());
        assertEquals("main", py.get("refs").get(0).asText());
        assertEquals(snap, rec.get("java_reads_python_cache").get("snapshot").asText());
        // the Python download never sent the token to the CDN host; neither did Java's
        for (String who : new String[] {"python_download", "java_download"}) {
            for (JsonNode r : rec.get(who).get("requests")) {
                assertEquals(!r.get("host").asText().equals("cdn"), r.get("auth").asBoolean(), who + " " + r);
            }
        }
    }

    /** The same description of a cache folder the fixture script writes. */
    static ObjectNode layout(Path root) throws Exception {
        TreeMap<String, JsonNode> out = new TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                ObjectNode e = ModelJson.mapper().createObjectNode();
                if (Files.isSymbolicLink(p)) {
                    e.put("symlink", Files.readSymbolicLink(p).toString());
                } else if (Files.isRegularFile(p)) {
                    if (rel.startsWith(".locks")) {
                        e.put("lock", true);
                    } else {
                        byte[] b = Files.readAllBytes(p);
                        e.put("size", b.length);
                        e.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
                        if (("/" + rel).contains("/refs/")) {
                            e.put("text", new String(b, StandardCharsets.UTF_8));
                        }
                    }
                } else {
                    continue;
                }
                out.put(rel, e);
            }
        }
        ObjectNode n = ModelJson.mapper().createObjectNode();
        out.forEach(n::set);
        return n;
    }
}
