package ai.maya1.onnx.export;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The little-endian bytes of one initializer, produced on demand so multi-gigabyte weights can be streamed
 * (and widened or narrowed) into an external data file without holding the whole model in memory.
 */
public interface TensorBytes {
    ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Exact byte length. */
    long byteSize();

    /** Writes exactly {@link #byteSize()} bytes. */
    void writeTo(OutputStream out) throws IOException;

    /** All bytes in one array (only for initializers embedded in the model, so below 2 GB). */
    default byte[] toByteArray() {
        var bo = new java.io.ByteArrayOutputStream((int) byteSize());
        try {
            writeTo(bo);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    static TensorBytes of(byte[] bytes) {
        return new TensorBytes() {
            @Override
            public long byteSize() {
                return bytes.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes);
            }

            @Override
            public byte[] toByteArray() {
                return bytes;
            }
        };
    }

    /** float32 values, little endian. */
    static TensorBytes f32(float[] values) {
        byte[] b = new byte[values.length * 4];
        MemorySegment.ofArray(b).copyFrom(MemorySegment.ofArray(values)); // host order first
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            MemorySegment seg = MemorySegment.ofArray(b);
            for (int i = 0; i < values.length; i++) {
                seg.setAtIndex(F32_LE, i, values[i]);
            }
        }
        return of(b);
    }

    /** float32 values narrowed to IEEE float16 (round to nearest even). */
    static TensorBytes f16(float[] values) {
        byte[] b = new byte[values.length * 2];
        MemorySegment seg = MemorySegment.ofArray(b);
        for (int i = 0; i < values.length; i++) {
            seg.setAtIndex(I16_LE, i, Float.floatToFloat16(values[i]));
        }
        return of(b);
    }

    static TensorBytes i64(long[] values) {
        byte[] b = new byte[values.length * 8];
        MemorySegment seg = MemorySegment.ofArray(b);
        for (int i = 0; i < values.length; i++) {
            seg.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, values[i]);
        }
        return of(b);
    }

    /**
     * A stored tensor (F32, F16 or BF16 bytes in {@code data}) widened to float32, streamed in 1 MiB pieces so a
     * 2 GB embedding never becomes one Java array.
     */
    static TensorBytes widenToF32(MemorySegment data, ai.maya1.weights.DType dtype) {
        long n = switch (dtype) {
            case F32 -> data.byteSize() / 4;
            case F16, BF16 -> data.byteSize() / 2;
            default -> throw new IllegalArgumentException("cannot widen " + dtype + " to float32");
        };
        return new TensorBytes() {
            @Override
            public long byteSize() {
                return n * 4;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                final int chunk = 1 << 18;
                byte[] buf = new byte[chunk * 4];
                MemorySegment bs = MemorySegment.ofArray(buf);
                for (long i = 0; i < n; i += chunk) {
                    int m = (int) Math.min(chunk, n - i);
                    switch (dtype) {
                        case F32 -> MemorySegment.copy(data, i * 4, bs, 0, m * 4L);
                        case BF16 -> {
                            for (int j = 0; j < m; j++) {
                                bs.setAtIndex(F32_LE, j, Float.intBitsToFloat((data.getAtIndex(I16_LE, i + j) & 0xFFFF) << 16));
                            }
                        }
                        default -> {
                            for (int j = 0; j < m; j++) {
                                bs.setAtIndex(F32_LE, j, Float.float16ToFloat(data.getAtIndex(I16_LE, i + j)));
                            }
                        }
                    }
                    out.write(buf, 0, m * 4);
                }
            }
        };
    }
}
