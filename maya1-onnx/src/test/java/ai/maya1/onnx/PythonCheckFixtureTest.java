package ai.maya1.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.onnx.export.LlamaGraphConfig;
import ai.maya1.onnx.export.LlamaOnnxExporter;
import ai.maya1.onnx.export.SnacOnnxExporter;
import ai.maya1.onnx.runtime.OrtSessions;
import ai.maya1.weights.SafetensorsFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed result of tools/fixtures/onnx/check_exported_graphs.sh (onnx.checker + Python onnxruntime on
 * every exported graph kind) must say all passed, and must describe the signatures the exporter writes today:
 * a change to the graphs without re-running the script fails here.
 */
class PythonCheckFixtureTest {
    @TempDir
    Path tmp;

    @Test
    void committedPythonCheckMatchesTheCurrentExports() throws Exception {
        JsonNode s;
        try (InputStream in = getClass().getResourceAsStream("/onnx/python-check.json")) {
            s = new ObjectMapper().readTree(in);
        }
        assertTrue(s.get("all_ok").asBoolean());
        assertEquals(7, s.get("graphs").size());
        for (JsonNode g : s.get("graphs")) {
            assertTrue(g.get("onnxruntime").get("ok").asBoolean());
            assertTrue(g.get("checker").asText().contains("passed"));
        }
        Path snac = tmp.resolve("snac.onnx");
        Path stream = tmp.resolve("stream.onnx");
        Path lm = tmp.resolve("lm.onnx");
        Path cfg = GoldenData.golden("snac/config_reduced.json");
        Path w = GoldenData.golden("snac/weights_reduced.safetensors");
        SnacOnnxExporter.export(cfg, w, snac, SnacOnnxExporter.Options.defaults());
        SnacOnnxExporter.export(cfg, w, stream, SnacOnnxExporter.Options.defaults().withStreaming(true));
        try (SafetensorsFile lw = SafetensorsFile.open(GoldenData.golden("llama/model.safetensors"))) {
            LlamaOnnxExporter.export(LlamaGraphConfig.load(GoldenData.golden("llama/config.json")), lw, lm, LlamaOnnxExporter.Options.defaults());
        }
        assertSignature(s.get("graphs").get("snac_decoder.onnx"), snac);
        assertSignature(s.get("graphs").get("snac_decoder_streaming.onnx"), stream);
        assertSignature(s.get("graphs").get("llama_kv.onnx"), lm);
    }

    static void assertSignature(JsonNode expected, Path model) throws Exception {
        try (var session = OrtSessions.env().createSession(model.toString())) {
            assertEquals(names(expected.get("inputs")), new ArrayList<>(session.getInputNames()), model + " inputs");
            assertEquals(names(expected.get("outputs")), new ArrayList<>(session.getOutputNames()), model + " outputs");
        }
    }

    static List<String> names(JsonNode a) {
        List<String> r = new ArrayList<>();
        a.forEach(n -> r.add(n.asText()));
        return r;
    }
}
