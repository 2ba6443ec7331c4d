package ai.maya1.spi;

import ai.maya1.acoustic.AcousticModel;

/** SPI of the acoustic-model layer. Register in {@code META-INF/services/ai.maya1.spi.AcousticModelProvider}. */
public interface AcousticModelProvider extends BackendProvider {
    AcousticModel open(AcousticModelSpec spec);
}
