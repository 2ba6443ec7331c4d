package ai.maya1.cuda;

import ai.maya1.spi.Availability;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Locale;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Entry point of the CUDA backend: the availability probe and device opening. Only the driver API
 * ({@code libcuda.so.1}) is used, through JCuda; no runtime, NVRTC, cuBLAS or cuDNN library is needed.
 *
 * <p>The probe first looks for {@code libcuda.so.1} with the FFM linker (so a machine without the NVIDIA driver
 * gets the reason "no libcuda.so.1" instead of a JCuda {@link UnsatisfiedLinkError}), then loads JCuda's driver
 * binding, calls {@code cuInit} and counts devices.
 *
 * <p>System properties: {@code maya1.cuda.device} (ordinal, default 0); {@code maya1.cuda.libcuda} (library
 * name probed first, default {@code libcuda.so.1}; tests point it at a missing name to exercise the skip path).
 */
public final class Cuda {
    public static final String DEVICE_PROPERTY = "maya1.cuda.device";
    public static final String LIBCUDA_PROPERTY = "maya1.cuda.libcuda";
    public static final String LIBCUDA = "libcuda.so.1";
    /** The kernels are PTX for sm_80: Ampere or newer. */
    public static final int MIN_COMPUTE_CAPABILITY = 80;

    private static volatile boolean initialized;

    private Cuda() {
    }

    /** Whether a usable device exists here, with the reason. Never throws. */
    public static Availability availability() {
        String lib = System.getProperty(LIBCUDA_PROPERTY, LIBCUDA);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Availability.no("no libcuda.so.1: the CUDA backend ships JCuda natives for linux-x86_64 only (this is " + os + "/" + arch + ")");
        }
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(lib, arena);
        } catch (IllegalArgumentException e) {
            return Availability.no("no " + lib + " (the NVIDIA driver is not installed or not on the loader path)");
        } catch (IllegalCallerException e) {
            return Availability.no("cannot probe " + lib + ": native access is disabled (run with --enable-native-access=ALL-UNNAMED)");
        }
        try {
            int rc = init();
            if (rc == CUresult.CUDA_ERROR_NO_DEVICE) {
                return Availability.no("no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)");
            }
            if (rc != CUresult.CUDA_SUCCESS) {
                return Availability.no("no CUDA device (cuInit failed: " + CudaException.resultName(rc) + ")");
            }
            int[] count = {0};
            rc = JCudaDriver.cuDeviceGetCount(count);
            if (rc != CUresult.CUDA_SUCCESS || count[0] == 0) {
                return Availability.no("no CUDA device");
            }
            int ordinal = deviceOrdinal();
            if (ordinal < 0 || ordinal >= count[0]) {
                return Availability.no("no CUDA device " + ordinal + " (" + count[0] + " present; " + DEVICE_PROPERTY + ")");
            }
            DeviceInfo info = describe(ordinal);
            if (info.computeCapability() < MIN_COMPUTE_CAPABILITY) {
                return Availability.no("CUDA device " + ordinal + " (" + info.name() + ") has compute capability "
                        + info.ccString() + "; the kernels need 8.0 or newer");
            }
            return Availability.yes("CUDA device " + ordinal + ": " + info);
        } catch (LinkageError e) {
            return Availability.no("no " + lib + " usable by JCuda: " + e.getMessage());
        } catch (RuntimeException e) {
            return Availability.no("CUDA probe failed: " + e);
        }
    }

    /** Throws {@link CudaUnavailableException} with the reason when {@link #availability()} says no. */
    public static void requireAvailable() {
        Availability a = availability();
        if (!a.available()) {
            throw new CudaUnavailableException(a.reason());
        }
    }

    static synchronized int init() {
        JCudaDriver.setExceptionsEnabled(false);
        int rc = JCudaDriver.cuInit(0);
        initialized = rc == CUresult.CUDA_SUCCESS;
        return rc;
    }

    static boolean initialized() {
        return initialized;
    }

    public static int deviceOrdinal() {
        return Integer.getInteger(DEVICE_PROPERTY, 0);
    }

    /** Name, compute capability, memory and driver version of a device (after a successful probe). */
    public record DeviceInfo(int ordinal, String name, int ccMajor, int ccMinor, long totalMemory, int driverVersion, int smCount,
                             long memoryClockKhz, int memoryBusWidthBits) {
        public int computeCapability() {
            return ccMajor * 10 + ccMinor;
        }

        public String ccString() {
            return ccMajor + "." + ccMinor;
        }

        /** Theoretical DRAM bandwidth in bytes/s from the memory clock and bus width (DDR: x2). */
        public double peakMemoryBandwidth() {
            return 2.0 * memoryClockKhz * 1000.0 * (memoryBusWidthBits / 8.0);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s, compute capability %s, %d SMs, %.1f GiB, driver %d.%d", name, ccString(), smCount,
                    totalMemory / (1024.0 * 1024 * 1024), driverVersion / 1000, (driverVersion % 1000) / 10);
        }
    }

    static DeviceInfo describe(int ordinal) {
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, ordinal), "cuDeviceGet(" + ordinal + ")");
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int n = 0;
        while (n < name.length && name[n] != 0) {
            n++;
        }
        long[] mem = {0};
        check(JCudaDriver.cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
        int[] drv = {0};
        check(JCudaDriver.cuDriverGetVersion(drv), "cuDriverGetVersion");
        return new DeviceInfo(ordinal, new String(name, 0, n, java.nio.charset.StandardCharsets.UTF_8),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), mem[0], drv[0],
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH));
    }

    private static int attribute(CUdevice dev, int attr) {
        int[] v = {0};
        check(JCudaDriver.cuDeviceGetAttribute(v, attr, dev), "cuDeviceGetAttribute(" + attr + ")");
        return v[0];
    }

    /** Opens (retains the primary context of) the configured device; throws when unavailable. */
    public static CudaDevice openDevice() {
        requireAvailable();
        return new CudaDevice(describe(deviceOrdinal()));
    }

    static void check(int result, String operation) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(operation, result);
        }
    }
}
