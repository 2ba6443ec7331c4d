package ai.maya1.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.Wav;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java example of README.md ("Use it from Java"), taken from the README itself, compiled with its imports and
 * run as written (on the built-in test model): a copy-paste of the README compiles.
 */
class ApiExampleTest {

    static Path readme() {
        String golden = System.getProperty("maya1.golden.dir");
        Path root = golden != null ? Path.of(golden).toAbsolutePath().getParent().getParent() : Path.of("..").toAbsolutePath();
        return root.resolve("README.md").normalize();
    }

    /** The lines of the first ```java block after the "## Use it from Java" heading. */
    static List<String> readmeSnippet() throws Exception {
        List<String> lines = Files.readAllLines(readme(), StandardCharsets.UTF_8);
        int at = lines.indexOf("## Use it from Java");
        assertTrue(at >= 0, "README.md has no '## Use it from Java' section");
        int from = -1;
        for (int i = at; i < lines.size(); i++) {
            if (lines.get(i).equals("```java")) {
                from = i + 1;
                break;
            }
        }
        assertTrue(from > 0, "no ```java block under '## Use it from Java'");
        List<String> block = new ArrayList<>();
        for (int i = from; !lines.get(i).equals("```"); i++) {
            block.add(lines.get(i));
        }
        return block;
    }

    @Test
    void theReadmeSnippetImportsWhatItUses() throws Exception {
        List<String> imports = readmeSnippet().stream().filter(l -> l.startsWith("import ")).toList();
        for (String type : List.of("Maya1Tts", "Maya1Config", "ModelSource", "SpeechRequest", "Speech", "AudioFormat", "Path")) {
            assertTrue(imports.stream().anyMatch(l -> l.endsWith("." + type + ";")), "the README snippet does not import " + type + ": " + imports);
        }
    }

    @Test
    void theReadmeSnippetCompilesAndRunsAsWritten(@TempDir Path work) throws Exception {
        List<String> snippet = readmeSnippet();
        StringBuilder src = new StringBuilder();
        snippet.stream().filter(l -> l.startsWith("import ")).forEach(l -> src.append(l).append('\n'));
        src.append("public class ReadmeExample {\n  public static void run() throws Exception {\n");
        snippet.stream().filter(l -> !l.startsWith("import ") && !l.isBlank()).forEach(l -> src.append("    ").append(l).append('\n'));
        src.append("  }\n}\n");

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        JavaFileObject file = new SimpleJavaFileObject(java.net.URI.create("string:///ReadmeExample.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return src;
            }
        };
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null, List.of("-d", work.toString(), "-cp", System.getProperty("java.class.path")), null,
                List.of(file)).call();
        assertTrue(ok, "the README snippet does not compile:\n" + diagnostics + "\n" + src);

        Path wav = Path.of("hello.wav");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {work.toUri().toURL()}, getClass().getClassLoader())) {
            loader.loadClass("ReadmeExample").getMethod("run").invoke(null);
            Wav.Decoded d = Wav.read(Files.readAllBytes(wav));
            assertEquals(24_000, d.sampleRate());
            assertTrue(d.samples().length > 0);
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    @Test
    void theReadmeNamesTheCoordinatesOfThisVersion() throws Exception {
        String readme = Files.readString(readme(), StandardCharsets.UTF_8);
        String version = Maya1Tts.class.getPackage().getImplementationVersion();
        if (version == null) {
            // classes from target/classes carry no manifest: read the version from the pom the build ran
            String pom = Files.readString(readme().getParent().resolve("pom.xml"), StandardCharsets.UTF_8);
            int a = pom.indexOf("<version>", pom.indexOf("<artifactId>maya1-parent</artifactId>"));
            version = pom.substring(a + "<version>".length(), pom.indexOf("</version>", a));
        }
        assertTrue(readme.contains("<artifactId>maya1-core</artifactId>"), "README.md does not show the maya1-core dependency");
        assertTrue(readme.contains("<version>" + version + "</version>"), "README.md does not show version " + version);
        assertTrue(readme.contains("./mvnw -B -ntp install"), "README.md does not say how to install the artifacts locally");
        assertTrue(readme.contains("-Dmdep.includeScope=runtime"), "README.md's classpath command lacks -Dmdep.includeScope=runtime");
        assertFalse(readme.toLowerCase(Locale.ROOT).contains("not merged"), "README.md still speaks of unmerged layers");
    }

    @Test
    void engineLifecycle() {
        Maya1Tts tts = Maya1Tts.create(Maya1Config.builder().model(ModelSource.testModel()).threads(1).warmUpOnStart(false).build());
        assertTrue(tts.info().testModel());
        assertTrue(tts.voicePresets().contains("narrator"));
        tts.warmUp();
        tts.warmUp();
        tts.close();
        tts.close();
        assertTrue(tts.isClosed());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> tts.synthesize(SpeechRequest.of("x")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, tts::warmUp);
    }
}
