package ai.maya1.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reproducibility of the committed kernels: the PTX/cubins must come from the current {@code .cu} sources. CI
 * compares the source hash and the compiler recorded by {@code tools/cuda/build-kernels.sh}, not bytes (nvcc
 * output is not bit-stable across builds and versions).
 */
class KernelManifestTest {
    /** sha256 over (file name, NUL, content, NUL) of every file in src/main/cuda, sorted by name (as the script). */
    static String sourceHash(Path dir) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Path f : files) {
            all.write(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            all.write(0);
            all.write(Files.readAllBytes(f));
            all.write(0);
        }
        return HexFormat.of().formatHex(md.digest(all.toByteArray()));
    }

    @Test
    void committedKernelsMatchTheSources() throws Exception {
        Properties p = KernelResources.manifest();
        Path src = Paths.get("src/main/cuda");
        assertTrue(Files.isDirectory(src), "run from the maya1-cuda module folder");
        assertEquals(p.getProperty("sources.sha256"), sourceHash(src),
                "the .cu sources changed since the kernels were built: run tools/cuda/build-kernels.sh and commit its output");
    }

    @Test
    void manifestRecordsCompilerIsaAndArtefacts() throws IOException {
        Properties p = KernelResources.manifest();
        assertTrue(p.getProperty("compiler", "").startsWith("Cuda compilation tools, release "), "compiler recorded");
        assertEquals("8.0", p.getProperty("ptx.isa"));
        assertEquals("sm_80", p.getProperty("ptx.target"));
        for (String m : p.getProperty("modules").split(",")) {
            assertEquals("8.0", KernelResources.isaVersion(KernelResources.ptx(m)));
            for (String a : p.getProperty("cubins").split(",")) {
                byte[] cubin = KernelResources.cubin(m, Integer.parseInt(a.substring(3))).orElseThrow(() -> new AssertionError(m + "." + a + ".cubin missing"));
                assertTrue(cubin[0] == 0x7f && cubin[1] == 'E', m + "." + a + ".cubin is an ELF image");
            }
        }
    }
}
