package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.onnx.snac.OnnxVocoderProvider;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportOnnxCommandTest {
    @TempDir
    Path tmp;

    static Path golden(String sub) {
        return Paths.get(System.getProperty("maya1.golden.dir", "../testdata/golden")).resolve(sub);
    }

    @Test
    void exportsSnacOfflineAndStreamingAndTheLm() throws Exception {
        Path snac = tmp.resolve("snac");
        Files.createDirectories(snac);
        Files.copy(golden("snac/config_reduced.json"), snac.resolve("config.json"));
        Files.copy(golden("snac/weights_reduced.safetensors"), snac.resolve("model.safetensors"));
        Path out = tmp.resolve("onnx");
        assertEquals(0, Maya1Cli.execute("export-onnx", "--snac", snac.toString(), "--out", out.resolve("snac_decoder.onnx").toString()));
        assertEquals(0, Maya1Cli.execute("export-onnx", "--snac", snac.toString(), "--streaming", "--out",
                out.resolve("snac_decoder_streaming.onnx").toString()));
        assertEquals(0, Maya1Cli.execute("export-onnx", "--snac", snac.toString(), "--fp16", "--out", tmp.resolve("fp16.onnx").toString()));
        try (var v = OnnxVocoderProvider.open(out, OnnxRuntimeConfig.cpu(), 1)) {
            assertTrue(v.hasStreamingGraph());
            int[] l0 = {1};
            var audio = v.decode(new SnacCodes(new int[][] {l0}, new int[][] {{2, 3}}, new int[][] {{4, 5, 6, 7}}), NoiseMode.zero());
            assertEquals(2048, audio[0].length);
        }
        assertEquals(0, Maya1Cli.execute("export-onnx", "--lm", golden("llama").toString(), "--external-data", "always", "--out",
                tmp.resolve("lm/model.onnx").toString()));
        assertTrue(Files.isRegularFile(tmp.resolve("lm/model.onnx.data")));
        assertEquals(0, Maya1Cli.execute("export-onnx", "--lm", golden("llama").toString(), "--weights", "int8", "--out",
                tmp.resolve("lm8/model.onnx").toString()));
        assertTrue(Files.size(tmp.resolve("lm8/model.onnx")) < Files.size(tmp.resolve("lm/model.onnx.data")) * 0.6);
    }

    @Test
    void badInputIsExitCode2WithOneErrorLine() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            assertEquals(2, Maya1Cli.execute("export-onnx", "--snac", tmp.resolve("missing").toString(), "--out", tmp.resolve("x.onnx").toString()));
            assertEquals(2, Maya1Cli.execute("export-onnx", "--lm", golden("llama").toString(), "--fp16", "--out", tmp.resolve("y.onnx").toString()));
        } finally {
            System.setErr(old);
        }
        String e = err.toString();
        assertTrue(e.contains("error: ") && e.contains("--fp16, --streaming and --no-noise apply to --snac only"), e);
    }
}
