package ai.maya1.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Properties;
import java.util.SequencedSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ahead-of-time compiled kernels shipped as resources under {@code ai/maya1/cuda/kernels/}: one PTX per
 * module (ISA 8.0, target sm_80, loadable by R535+ drivers), cubins for some architectures, and
 * {@code kernels.properties} (source hash, compiler version) written by {@code tools/cuda/build-kernels.sh}.
 */
public final class KernelResources {
    public static final String DIR = "/ai/maya1/cuda/kernels/";
    /** Kernel modules, each compiled from {@code src/main/cuda/<name>.cu}. */
    public static final String SNAC = "snac";
    public static final String LLAMA = "llama";
    private static final Pattern ENTRY = Pattern.compile("^\\.visible \\.entry (\\w+)\\(", Pattern.MULTILINE);

    private KernelResources() {
    }

    public static byte[] ptx(String module) {
        return read(module + ".ptx").orElseThrow(() -> new CudaException("loading kernels", 0, "missing resource " + DIR + module + ".ptx"));
    }

    /** Cubin for exactly {@code sm_<cc>}, when shipped. */
    public static Optional<byte[]> cubin(String module, int computeCapability) {
        return read(module + ".sm_" + computeCapability + ".cubin");
    }

    /** Names of the kernels a PTX module defines. */
    public static SequencedSet<String> entries(byte[] ptx) {
        SequencedSet<String> out = new LinkedHashSet<>();
        Matcher m = ENTRY.matcher(new String(ptx, StandardCharsets.US_ASCII));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The PTX ISA version declared by a module (".version X.Y"). */
    public static String isaVersion(byte[] ptx) {
        Matcher m = Pattern.compile("^\\.version (\\d+\\.\\d+)$", Pattern.MULTILINE).matcher(new String(ptx, StandardCharsets.US_ASCII));
        return m.find() ? m.group(1) : "";
    }

    public static Properties manifest() {
        Properties p = new Properties();
        byte[] b = read("kernels.properties").orElseThrow(() -> new CudaException("loading kernels", 0, "missing " + DIR + "kernels.properties"));
        try {
            p.load(new java.io.ByteArrayInputStream(b));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static Optional<byte[]> read(String name) {
        try (InputStream in = KernelResources.class.getResourceAsStream(DIR + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
