package ai.maya1.server;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shaded CLI jar built by {@code package} (integration tests only). */
final class CliJar {
    private CliJar() {
    }

    static Path path() {
        String p = System.getProperty("maya1.cli.jar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("the shaded CLI jar is missing (" + p + "): run the integration tests with 'mvn verify'");
        }
        return Path.of(p);
    }

    static Path projectRoot() {
        return Path.of(System.getProperty("maya1.project.root", System.getProperty("user.dir") + "/.."));
    }
}
