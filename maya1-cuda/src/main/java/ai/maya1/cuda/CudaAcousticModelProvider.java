package ai.maya1.cuda;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.cuda.llama.CudaLlamaModel;
import ai.maya1.spi.AcousticModelProvider;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Availability;

/** The "cuda" acoustic-model backend: Maya1's Llama on an NVIDIA GPU (sm_80 or newer) through the driver API. */
public final class CudaAcousticModelProvider implements AcousticModelProvider {
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
    public AcousticModel open(AcousticModelSpec spec) {
        CudaDevice device = Cuda.openDevice();
        try {
            return CudaLlamaModel.load(device, true, spec.model(), spec.weightFormat(), spec.contextLength() > 0 ? spec.contextLength() : 4096,
                    spec.kvBudgetBytes(), spec.kvBf16());
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }
}
