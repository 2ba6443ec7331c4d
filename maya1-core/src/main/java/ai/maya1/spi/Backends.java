package ai.maya1.spi;

import ai.maya1.Maya1Exception;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends with {@link ServiceLoader} and chooses one per layer: an explicit name in the engine config
 * wins, then the system property ({@code maya1.backend.acoustic} / {@code maya1.backend.vocoder}), then the
 * available provider with the highest priority. The choice and the reasons are logged.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    public static final String ACOUSTIC_PROPERTY = "maya1.backend.acoustic";
    public static final String VOCODER_PROPERTY = "maya1.backend.vocoder";

    private Backends() {
    }

    /** A provider with its availability, as found. */
    public record Found<P extends BackendProvider>(P provider, Availability availability) {
    }

    public static List<Found<AcousticModelProvider>> acousticProviders() {
        return discover(AcousticModelProvider.class);
    }

    public static List<Found<VocoderProvider>> vocoderProviders() {
        return discover(VocoderProvider.class);
    }

    /** All providers of {@code type} visible to this class's loader, highest priority first. */
    public static <P extends BackendProvider> List<Found<P>> discover(Class<P> type) {
        List<Found<P>> out = new ArrayList<>();
        for (ServiceLoader.Provider<P> p : ServiceLoader.load(type, Backends.class.getClassLoader()).stream().toList()) {
            P provider;
            try {
                provider = p.get();
            } catch (Throwable t) { // a broken optional backend must not break the others
                LOG.warn("backend {} could not be instantiated: {}", p.type().getName(), t.toString());
                continue;
            }
            Availability a;
            try {
                a = provider.availability();
            } catch (Throwable t) {
                a = Availability.no("availability check failed: " + t);
            }
            out.add(new Found<>(provider, a));
        }
        out.sort(Comparator.comparingInt((Found<P> f) -> -f.provider().priority()).thenComparing(f -> f.provider().name()));
        return out;
    }

    public static AcousticModelProvider chooseAcoustic(String explicit) {
        return choose(acousticProviders(), explicit, ACOUSTIC_PROPERTY, "acoustic model");
    }

    public static VocoderProvider chooseVocoder(String explicit) {
        return choose(vocoderProviders(), explicit, VOCODER_PROPERTY, "vocoder");
    }

    static <P extends BackendProvider> P choose(List<Found<P>> found, String explicit, String property, String layer) {
        String wanted = explicit != null && !explicit.isBlank() ? explicit : System.getProperty(property);
        String source = explicit != null && !explicit.isBlank() ? "configuration" : "system property " + property;
        if (wanted != null && !wanted.isBlank()) {
            for (Found<P> f : found) {
                if (f.provider().name().equalsIgnoreCase(wanted.trim())) {
                    if (!f.availability().available()) {
                        throw new Maya1Exception(layer + " backend '" + wanted + "' (from " + source + ") is not available: "
                                + f.availability().reason());
                    }
                    LOG.info("{} backend: {} (from {}; {})", layer, f.provider().name(), source, f.availability().reason());
                    return f.provider();
                }
            }
            throw new Maya1Exception(layer + " backend '" + wanted + "' (from " + source + ") is not on the class path; found: "
                    + found.stream().map(f -> f.provider().name()).toList());
        }
        for (Found<P> f : found) {
            if (f.availability().available()) {
                LOG.info("{} backend: {} (highest priority available; {})", layer, f.provider().name(), f.availability().reason());
                return f.provider();
            }
            LOG.info("{} backend {} skipped: {}", layer, f.provider().name(), f.availability().reason());
        }
        throw new Maya1Exception("no " + layer + " backend is available; found: "
                + found.stream().map(f -> f.provider().name() + " (" + f.availability().reason() + ")").toList());
    }
}
