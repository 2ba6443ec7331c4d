package ai.maya1.cuda;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * A block of device memory. The plain copies are synchronous on the legacy default stream, for loading: callers
 * {@link CudaDevice#synchronize()} before non-blocking streams use what they uploaded. Per-step traffic uses the
 * stream-ordered {@code *Async} variants. Closing frees; closing twice is safe; use after close throws
 * {@link IllegalStateException}.
 */
public final class DeviceBuffer implements AutoCloseable {
    private static final long COPY_CHUNK = 1L << 30;
    private final CudaDevice device;
    private final CUdeviceptr ptr = new CUdeviceptr();
    private final long bytes;
    private final String what;
    private boolean closed;

    DeviceBuffer(CudaDevice device, long bytes, String what) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device buffer " + what + ": size must be > 0, got " + bytes);
        }
        this.device = device;
        this.bytes = bytes;
        this.what = what;
        Cuda.check(JCudaDriver.cuMemAlloc(ptr, bytes), "cuMemAlloc(" + bytes + " bytes for " + what + ")");
    }

    public long bytes() {
        return bytes;
    }

    public String what() {
        return what;
    }

    /** The device pointer (valid until close). */
    public CUdeviceptr ptr() {
        ensureOpen();
        return ptr;
    }

    /** The device pointer plus a byte offset. */
    public CUdeviceptr at(long byteOffset) {
        ensureOpen();
        if (byteOffset < 0 || byteOffset > bytes) {
            throw new IndexOutOfBoundsException(what + ": offset " + byteOffset + " outside " + bytes + " bytes");
        }
        return ptr.withByteOffset(byteOffset);
    }

    public void upload(float[] src) {
        upload(src, 0);
    }

    public void upload(float[] src, long dstByteOffset) {
        check(dstByteOffset, 4L * src.length);
        device.makeCurrent();
        Cuda.check(JCudaDriver.cuMemcpyHtoD(at(dstByteOffset), Pointer.to(src), 4L * src.length), "cuMemcpyHtoD(" + what + ")");
    }

    public void upload(int[] src, long dstByteOffset) {
        check(dstByteOffset, 4L * src.length);
        device.makeCurrent();
        Cuda.check(JCudaDriver.cuMemcpyHtoD(at(dstByteOffset), Pointer.to(src), 4L * src.length), "cuMemcpyHtoD(" + what + ")");
    }

    public void upload(byte[] src, long dstByteOffset) {
        check(dstByteOffset, src.length);
        device.makeCurrent();
        Cuda.check(JCudaDriver.cuMemcpyHtoD(at(dstByteOffset), Pointer.to(src), src.length), "cuMemcpyHtoD(" + what + ")");
    }

    /** Copies a (mapped or heap) memory segment, in chunks of at most 1 GiB. */
    public void upload(MemorySegment src, long dstByteOffset) {
        long n = src.byteSize();
        check(dstByteOffset, n);
        device.makeCurrent();
        for (long off = 0; off < n; off += COPY_CHUNK) {
            long len = Math.min(COPY_CHUNK, n - off);
            MemorySegment part = src.asSlice(off, len);
            ByteBuffer bb;
            if (part.isNative()) {
                bb = part.asByteBuffer();
            } else {
                bb = ByteBuffer.allocateDirect((int) len).order(ByteOrder.LITTLE_ENDIAN);
                MemorySegment.ofBuffer(bb).copyFrom(part);
            }
            Cuda.check(JCudaDriver.cuMemcpyHtoD(at(dstByteOffset + off), Pointer.to(bb), len), "cuMemcpyHtoD(" + what + ")");
        }
    }

    public void download(float[] dst, long srcByteOffset, int count) {
        check(srcByteOffset, 4L * count);
        device.makeCurrent();
        Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), at(srcByteOffset), 4L * count), "cuMemcpyDtoH(" + what + ")");
    }

    public void download(int[] dst, long srcByteOffset, int count) {
        check(srcByteOffset, 4L * count);
        device.makeCurrent();
        Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), at(srcByteOffset), 4L * count), "cuMemcpyDtoH(" + what + ")");
    }

    /**
     * Stream-ordered copy from a Java array. Pageable source: the call returns once the data is staged, so the
     * array may be reused at once; the copy is ordered before later work on {@code stream}.
     */
    public void uploadAsync(int[] src, long dstByteOffset, CudaStream stream) {
        check(dstByteOffset, 4L * src.length);
        device.makeCurrent();
        Cuda.check(JCudaDriver.cuMemcpyHtoDAsync(at(dstByteOffset), Pointer.to(src), 4L * src.length, stream.handle()),
                "cuMemcpyHtoDAsync(" + what + ")");
    }

    /** Stream-ordered copy to a Java array; returns when the copy (and all earlier work on the stream) is done. */
    public void downloadAsync(int[] dst, long srcByteOffset, int count, CudaStream stream) {
        check(srcByteOffset, 4L * count);
        device.makeCurrent();
        Cuda.check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(dst), at(srcByteOffset), 4L * count, stream.handle()),
                "cuMemcpyDtoHAsync(" + what + ")");
        stream.synchronize();
    }

    /** Stream-ordered zero fill. */
    public void zeroAsync(CudaStream stream) {
        device.makeCurrent();
        Cuda.check(JCudaDriver.cuMemsetD8Async(ptr(), (byte) 0, bytes, stream.handle()), "cuMemsetD8Async(" + what + ")");
    }

    public void zero() {
        device.makeCurrent();
        Cuda.check(JCudaDriver.cuMemsetD8(ptr(), (byte) 0, bytes), "cuMemsetD8(" + what + ")");
    }

    private void check(long offset, long len) {
        ensureOpen();
        if (offset < 0 || len < 0 || offset + len > bytes) {
            throw new IndexOutOfBoundsException(what + ": copy of " + len + " bytes at " + offset + " exceeds " + bytes + " bytes");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("device buffer " + what + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.makeCurrent();
        JCudaDriver.cuMemFree(ptr);
    }
}
