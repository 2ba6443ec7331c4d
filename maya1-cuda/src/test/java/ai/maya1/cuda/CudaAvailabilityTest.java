package ai.maya1.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.spi.AcousticModelProvider;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Availability;
import ai.maya1.spi.Backends;
import ai.maya1.spi.VocoderProvider;
import ai.maya1.spi.VocoderSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** The skip paths: these run (and must pass) on machines without a GPU. */
@ResourceLock("system-properties")
class CudaAvailabilityTest {
    @AfterEach
    void restore() {
        System.clearProperty(Cuda.LIBCUDA_PROPERTY);
    }

    static boolean libcudaPresent() {
        try (Arena a = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(Cuda.LIBCUDA, a);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void missingDriverLibraryIsReportedByName() {
        System.setProperty(Cuda.LIBCUDA_PROPERTY, "libmaya1-no-such-cuda.so.1");
        Availability a = Cuda.availability();
        assertFalse(a.available());
        assertTrue(a.reason().startsWith("no libmaya1-no-such-cuda.so.1"), a.reason());
        assertEquals(a, new CudaVocoderProvider().availability());
        assertEquals(a, new CudaAcousticModelProvider().availability());
    }

    @Test
    void thisMachineReportsWhyNot() {
        Availability a = Cuda.availability();
        if (!libcudaPresent()) {
            assertFalse(a.available());
            assertEquals("no libcuda.so.1 (the NVIDIA driver is not installed or not on the loader path)", a.reason());
        } else {
            // a driver is installed: either a device is usable, or the reason names the device problem
            assertTrue(a.available() || a.reason().startsWith("no CUDA device") || a.reason().contains("compute capability"), a.reason());
        }
    }

    @Test
    void providersAreDiscoveredAndNamedCuda() {
        var voc = Backends.vocoderProviders().stream().filter(f -> f.provider().name().equals("cuda")).findFirst().orElseThrow();
        var lm = Backends.acousticProviders().stream().filter(f -> f.provider().name().equals("cuda")).findFirst().orElseThrow();
        assertEquals(Cuda.availability().available(), voc.availability().available());
        assertEquals(Cuda.availability().available(), lm.availability().available());
        assertTrue(voc.provider().priority() > 10 && lm.provider().priority() > 10, "a usable GPU outranks the java backend");
    }

    @Test
    void openingWithoutGpuThrowsTypedExceptionWithTheReason() {
        System.setProperty(Cuda.LIBCUDA_PROPERTY, "libmaya1-no-such-cuda.so.1");
        VocoderProvider vp = new CudaVocoderProvider();
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> vp.open(new VocoderSpec(Path.of("snac"), null)));
        assertTrue(e.getMessage().contains("no libmaya1-no-such-cuda.so.1"), e.getMessage());
        AcousticModelProvider ap = new CudaAcousticModelProvider();
        assertThrows(CudaUnavailableException.class,
                () -> ap.open(new AcousticModelSpec(Path.of("model"), "as-stored", (ComputeExecutor) null, 2048, 1L << 30, false)));
    }

    @Test
    void explicitSelectionOfAnUnavailableCudaBackendFailsWithTheReason() {
        System.setProperty(Cuda.LIBCUDA_PROPERTY, "libmaya1-no-such-cuda.so.1");
        var e = assertThrows(ai.maya1.Maya1Exception.class, () -> Backends.chooseVocoder("cuda"));
        assertTrue(e.getMessage().contains("not available") && e.getMessage().contains("libmaya1-no-such-cuda.so.1"), e.getMessage());
    }
}
