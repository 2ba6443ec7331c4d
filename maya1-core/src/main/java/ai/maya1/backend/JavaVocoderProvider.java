package ai.maya1.backend;

import ai.maya1.spi.Availability;
import ai.maya1.spi.VocoderProvider;
import ai.maya1.spi.VocoderSpec;
import ai.maya1.tensor.VectorSupport;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.vocoder.snac.JavaVocoder;

/** ServiceLoader entry of the pure-Java SNAC decoder: name "java", priority 10, always available. */
public final class JavaVocoderProvider implements VocoderProvider {
    @Override
    public String name() {
        return "java";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.yes("pure Java SNAC decoder; Vector API " + VectorSupport.describe());
    }

    @Override
    public Vocoder open(VocoderSpec spec) {
        return JavaVocoder.open(spec.snac(), spec.executor());
    }
}
