package ai.maya1.cuda.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The machine-readable result of one harness step: checks (value, tolerance, pass), figures (name, value, unit) and
 * notes. Rewritten to its file after every entry, so that a step killed by its time limit still leaves what it
 * measured before.
 */
final class HarnessReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode checks;
    private final ObjectNode figures;
    private final ArrayNode notes;
    private final Path file;
    private boolean failed;

    HarnessReport(String steps, Path file) {
        this.file = file;
        root.put("steps", steps);
        root.put("status", "running");
        checks = root.putArray("checks");
        figures = root.putObject("figures");
        notes = root.putArray("notes");
        flush();
    }

    void device(String name, String cc, int sms, double totalGiB, double peakGBps, String driver) {
        ObjectNode d = root.putObject("device");
        d.put("name", name).put("computeCapability", cc).put("sms", sms).put("memoryGiB", round(totalGiB, 1))
                .put("peakDramGBps", round(peakGBps, 0)).put("driver", driver);
        flush();
    }

    /** Records and prints a tolerance check; returns whether it passed. */
    boolean check(String what, double err, double tol) {
        boolean ok = err <= tol;
        failed |= !ok;
        ObjectNode c = checks.addObject().put("check", what);
        if (Double.isFinite(err)) {
            c.put("maxAbsError", err);
        } else {
            c.putNull("maxAbsError").put("error", "non-finite or mismatched length (" + err + ")");
        }
        c.put("tolerance", tol).put("pass", ok);
        System.out.printf(Locale.ROOT, "  %-62s max|err| %.3e  (tol %.1e)  %s%n", what, err, tol, ok ? "PASS" : "FAIL");
        flush();
        return ok;
    }

    /** Records and prints a yes/no check. */
    boolean check(String what, boolean ok) {
        failed |= !ok;
        checks.addObject().put("check", what).put("pass", ok);
        System.out.printf(Locale.ROOT, "  %-62s %s%n", what, ok ? "PASS" : "FAIL");
        flush();
        return ok;
    }

    /** Records and prints an informational check (never fails the run). */
    void info(String what, boolean ok) {
        checks.addObject().put("check", what).put("pass", ok).put("informational", true);
        System.out.printf(Locale.ROOT, "  %-62s %s (informational)%n", what, ok ? "yes" : "no");
        flush();
    }

    void figure(String key, double value, String unit) {
        ObjectNode f = figures.putObject(key);
        if (Double.isFinite(value)) {
            f.put("value", round(value, 4));
        } else {
            f.putNull("value");
        }
        f.put("unit", unit);
        flush();
    }

    void note(String text) {
        notes.add(text);
        System.out.println("  note: " + text);
        flush();
    }

    boolean failed() {
        return failed;
    }

    void finish(String status) {
        root.put("status", status);
        flush();
    }

    private static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return v;
        }
        double s = Math.pow(10, digits);
        return Math.round(v * s) / s;
    }

    private void flush() {
        if (file == null) {
            return;
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the harness report " + file, e);
        }
    }
}
