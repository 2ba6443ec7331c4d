package ai.maya1.cuda;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded kernel module. Loading tries the shipped cubin for the device's exact architecture first (no JIT),
 * and falls back to the PTX (ISA 8.0), which every driver from R535 on can JIT for any sm_80+ device. A cubin
 * the driver refuses (e.g. built by a newer toolkit than an old driver accepts) is not an error. Closing
 * unloads; closing twice is safe.
 */
public final class CudaModule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CudaModule.class);
    private final CudaDevice device;
    private final String name;
    private final CUmodule module;
    private final String loadedFrom;
    private final Map<String, Kernel> kernels = new HashMap<>();
    private boolean closed;

    private CudaModule(CudaDevice device, String name, CUmodule module, String loadedFrom) {
        this.device = device;
        this.name = name;
        this.module = module;
        this.loadedFrom = loadedFrom;
    }

    static CudaModule load(CudaDevice device, String name) {
        int cc = device.info().computeCapability();
        if (!Boolean.getBoolean("maya1.cuda.forcePtx")) {
            Optional<byte[]> cubin = KernelResources.cubin(name, cc);
            if (cubin.isPresent()) {
                CUmodule m = new CUmodule();
                int rc = JCudaDriver.cuModuleLoadData(m, cubin.get());
                if (rc == CUresult.CUDA_SUCCESS) {
                    LOG.debug("kernel module {} loaded from the sm_{} cubin", name, cc);
                    return new CudaModule(device, name, m, name + ".sm_" + cc + ".cubin");
                }
                LOG.info("kernel module {}: the sm_{} cubin was refused ({}); JIT-compiling the PTX", name, cc, CudaException.resultName(rc));
            }
        }
        byte[] ptx = KernelResources.ptx(name);
        byte[] z = java.util.Arrays.copyOf(ptx, ptx.length + 1); // NUL-terminated image
        CUmodule m = new CUmodule();
        int rc = JCudaDriver.cuModuleLoadData(m, z);
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException("loading kernel module " + name + ".ptx (PTX ISA " + KernelResources.isaVersion(ptx)
                    + ", sm_80) on " + device.info(), rc);
        }
        return new CudaModule(device, name, m, name + ".ptx");
    }

    public String name() {
        return name;
    }

    /** "snac.sm_90.cubin" or "snac.ptx". */
    public String loadedFrom() {
        return loadedFrom;
    }

    public synchronized Kernel kernel(String function) {
        if (closed) {
            throw new IllegalStateException("kernel module " + name + " is closed");
        }
        return kernels.computeIfAbsent(function, f -> {
            CUfunction fn = new CUfunction();
            int rc = JCudaDriver.cuModuleGetFunction(fn, module, f);
            if (rc != CUresult.CUDA_SUCCESS) {
                throw new CudaKernelException(name + ":" + f, "cuModuleGetFunction", rc);
            }
            return new Kernel(name + ":" + f, fn);
        });
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.makeCurrent();
        JCudaDriver.cuModuleUnload(module);
    }
}
