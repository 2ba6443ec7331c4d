package ai.maya1.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/** Kernel parameters in declaration order (device pointers, 32/64-bit integers, floats). */
public final class KernelArgs {
    private final List<Pointer> args = new ArrayList<>();

    public static KernelArgs of() {
        return new KernelArgs();
    }

    public KernelArgs ptr(DeviceBuffer b) {
        args.add(Pointer.to(b.ptr()));
        return this;
    }

    public KernelArgs ptr(DeviceBuffer b, long byteOffset) {
        args.add(Pointer.to(b.at(byteOffset)));
        return this;
    }

    public KernelArgs ptr(CUdeviceptr p) {
        args.add(Pointer.to(p));
        return this;
    }

    /** A null device pointer (optional kernel inputs). */
    public KernelArgs nullPtr() {
        args.add(Pointer.to(new CUdeviceptr()));
        return this;
    }

    /** {@code b} or a null pointer. */
    public KernelArgs ptrOrNull(DeviceBuffer b) {
        return b == null ? nullPtr() : ptr(b);
    }

    public KernelArgs i32(int v) {
        args.add(Pointer.to(new int[] {v}));
        return this;
    }

    public KernelArgs i64(long v) {
        args.add(Pointer.to(new long[] {v}));
        return this;
    }

    public KernelArgs f32(float v) {
        args.add(Pointer.to(new float[] {v}));
        return this;
    }

    public int size() {
        return args.size();
    }

    Pointer toPointer() {
        return Pointer.to(args.toArray(new NativePointerObject[0]));
    }
}
