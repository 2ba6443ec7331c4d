package ai.maya1.spi;

import ai.maya1.vocoder.Vocoder;

/** SPI of the vocoder layer. Register in {@code META-INF/services/ai.maya1.spi.VocoderProvider}. */
public interface VocoderProvider extends BackendProvider {
    Vocoder open(VocoderSpec spec);
}
