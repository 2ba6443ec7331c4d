package ai.maya1.cuda;

import ai.maya1.cuda.snac.CudaSnacVocoder;
import ai.maya1.spi.Availability;
import ai.maya1.spi.VocoderProvider;
import ai.maya1.spi.VocoderSpec;
import ai.maya1.vocoder.Vocoder;

/** The "cuda" vocoder backend: SNAC on an NVIDIA GPU (sm_80 or newer) through the driver API. */
public final class CudaVocoderProvider implements VocoderProvider {
    @Override
    public String name() {
        return "cuda";
    }

    /** Above "java" (10) and "onnx": a usable GPU wins when nothing is configured. */
    @Override
    public int priority() {
        return 50;
    }

    @Override
    public Availability availability() {
        return Cuda.availability();
    }

    @Override
    public Vocoder open(VocoderSpec spec) {
        CudaDevice device = Cuda.openDevice();
        try {
            return CudaSnacVocoder.loadOwningDevice(device, spec.snac());
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }
}
