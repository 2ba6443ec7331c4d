package ai.maya1.cli;

import ai.maya1.spi.Backends;
import ai.maya1.spi.BackendProvider;
import ai.maya1.tensor.VectorSupport;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code maya1 info}: JVM, cores, Vector API, and the backends ServiceLoader finds with their availability. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the JVM, CPU, Vector API support and available backends.")
final class InfoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        PrintStream out = System.out;
        Runtime rt = Runtime.getRuntime();
        out.println("maya1 " + new Maya1Cli.Version().getVersion()[0].substring("maya1 ".length()));
        out.println("JVM:        " + System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        out.println("OS/arch:    " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        out.println("CPU cores:  " + rt.availableProcessors());
        out.println("Max heap:   " + (rt.maxMemory() >> 20) + " MiB");
        out.println("Vector API: " + VectorSupport.describe());
        out.println("Acoustic model backends (text2mel):");
        print(out, Backends.acousticProviders());
        out.println("Vocoder backends (SNAC decoder):");
        print(out, Backends.vocoderProviders());
        return 0;
    }

    private static <P extends BackendProvider> void print(PrintStream out, List<Backends.Found<P>> found) {
        if (found.isEmpty()) {
            out.println("  (none found on the class path)");
        }
        for (Backends.Found<P> f : found) {
            out.printf("  %-12s priority %3d  %-11s %s%n", f.provider().name(), f.provider().priority(),
                    f.availability().available() ? "available" : "unavailable", f.availability().reason());
        }
    }
}
