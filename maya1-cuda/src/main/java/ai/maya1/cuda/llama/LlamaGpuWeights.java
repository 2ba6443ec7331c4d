package ai.maya1.cuda.llama;

import ai.maya1.weights.LlamaTensorNames;
import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.DeviceBuffer;
import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Llama weights on the device. Linear weights keep one of three formats: F32 (exact path), BF16 (as stored by
 * Maya1, uploaded without conversion) or Q8_0 (GGUF blocks re-packed into int8 quants + f16 scales, or quantized
 * at load). Norm weights are float32. Conversions run on the host in row chunks, so host memory stays small.
 */
final class LlamaGpuWeights implements AutoCloseable {
    enum Format { F32, BF16, Q8_0 }

    /** A [rows][cols] matrix; for Q8_0, {@code data} holds int8 quants and {@code scales} f16 per 32 values. */
    record Linear(String name, Format format, int rows, int cols, DeviceBuffer data, DeviceBuffer scales) {
        long bytes() {
            return data.bytes() + (scales == null ? 0 : scales.bytes());
        }
    }

    record Layer(DeviceBuffer attnNorm, Linear q, Linear k, Linear v, Linear o, DeviceBuffer mlpNorm, Linear gate, Linear up, Linear down) {
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long CHUNK_ELEMENTS = 1L << 24;

    final CudaLlamaConfig config;
    final Linear embed;
    final Linear head;
    final Layer[] layers;
    final DeviceBuffer finalNorm;
    final DeviceBuffer invFreq;
    final String formatName;
    final long parameters;
    private final List<DeviceBuffer> all = new ArrayList<>();
    private boolean closed;

    LlamaGpuWeights(CudaDevice dev, TensorSource src, CudaLlamaConfig c, String weightFormat) {
        this.config = c;
        String wanted = weightFormat == null ? "as-stored" : weightFormat.toLowerCase(Locale.ROOT);
        if (!List.of("as-stored", "f32", "bf16", "q8_0").contains(wanted)) {
            throw new IllegalArgumentException("weight format must be as-stored, f32, bf16 or q8_0, got '" + weightFormat + "'");
        }
        try {
            int d = c.hiddenSize(), hd = c.headDim();
            embed = linear(dev, src, LlamaTensorNames.EMBED, c.vocabSize(), d, wanted);
            head = c.tiedEmbeddings() || src.find(LlamaTensorNames.LM_HEAD).isEmpty() ? embed : linear(dev, src, LlamaTensorNames.LM_HEAD, c.vocabSize(), d, wanted);
            layers = new Layer[c.layers()];
            for (int l = 0; l < c.layers(); l++) {
                String p = LlamaTensorNames.layerPrefix(l);
                layers[l] = new Layer(norm(dev, src, p + LlamaTensorNames.ATTN_NORM, d),
                        linear(dev, src, p + LlamaTensorNames.Q_PROJ, c.heads() * hd, d, wanted),
                        linear(dev, src, p + LlamaTensorNames.K_PROJ, c.kvHeads() * hd, d, wanted),
                        linear(dev, src, p + LlamaTensorNames.V_PROJ, c.kvHeads() * hd, d, wanted),
                        linear(dev, src, p + LlamaTensorNames.O_PROJ, d, c.heads() * hd, wanted),
                        norm(dev, src, p + LlamaTensorNames.MLP_NORM, d),
                        linear(dev, src, p + LlamaTensorNames.GATE_PROJ, c.intermediateSize(), d, wanted),
                        linear(dev, src, p + LlamaTensorNames.UP_PROJ, c.intermediateSize(), d, wanted),
                        linear(dev, src, p + LlamaTensorNames.DOWN_PROJ, d, c.intermediateSize(), wanted));
            }
            finalNorm = norm(dev, src, LlamaTensorNames.NORM, d);
            float[] f = c.inverseFrequencies();
            invFreq = track(dev.allocate(4L * f.length, "rope inverse frequencies"));
            invFreq.upload(f);
            dev.synchronize(); // uploads complete before non-blocking streams read them
            formatName = layers.length > 0 ? layers[0].q().format().name() : embed.format().name();
            long n = (long) c.vocabSize() * d * (head == embed ? 1 : 2);
            for (Layer L : layers) {
                for (Linear x : List.of(L.q(), L.k(), L.v(), L.o(), L.gate(), L.up(), L.down())) {
                    n += (long) x.rows() * x.cols();
                }
                n += 2L * d;
            }
            parameters = n + d;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private DeviceBuffer track(DeviceBuffer b) {
        all.add(b);
        return b;
    }

    private DeviceBuffer norm(CudaDevice dev, TensorSource src, String name, int d) {
        TensorData t = src.get(name);
        if (t.elementCount() != d) {
            throw new ModelFormatException(src.path(), name, -1, "expected " + d + " elements, got " + Arrays.toString(t.shape()));
        }
        DeviceBuffer b = track(dev.allocate(4L * d, name));
        b.upload(t.toFloatArray());
        return b;
    }

    private Linear linear(CudaDevice dev, TensorSource src, String name, int rows, int cols, String wanted) {
        TensorData t = src.get(name);
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
            throw new ModelFormatException(src.path(), name, -1, "shape " + Arrays.toString(t.shape()) + ", expected [" + rows + ", " + cols + "]");
        }
        DType dt = t.dtype();
        Format target = switch (wanted) {
            case "f32" -> Format.F32;
            case "bf16" -> Format.BF16;
            case "q8_0" -> Format.Q8_0;
            default -> switch (dt) {
                case F32 -> Format.F32;
                case BF16, F16 -> Format.BF16;
                case Q8_0 -> Format.Q8_0;
                default -> throw new ModelFormatException(src.path(), name, -1, "dtype " + dt
                        + " is not supported by the CUDA backend (F32, F16, BF16, Q8_0; choose weight format bf16 or q8_0 for others)");
            };
        };
        if (target != Format.F32 && cols % 32 != 0) {
            throw new ModelFormatException(src.path(), name, -1, "BF16/Q8_0 kernels need a multiple of 32 columns, got " + cols);
        }
        if (target == Format.F32 && cols % 4 != 0) {
            throw new ModelFormatException(src.path(), name, -1, "F32 kernels need a multiple of 4 columns, got " + cols);
        }
        if (dt.isQuantized() && dt != DType.Q8_0) {
            throw new ModelFormatException(src.path(), name, -1, "quantized dtype " + dt + " is not supported by the CUDA backend (Q8_0 only)");
        }
        long n = (long) rows * cols;
        int rowsPerChunk = (int) Math.max(1, CHUNK_ELEMENTS / cols);
        switch (target) {
            case BF16 -> {
                DeviceBuffer b = track(dev.allocate(2 * n, name));
                if (dt == DType.BF16) {
                    b.upload(t.data(), 0);
                } else {
                    for (int r0 = 0; r0 < rows; r0 += rowsPerChunk) {
                        int r = Math.min(rowsPerChunk, rows - r0);
                        float[] f = rowsAsFloat(t, r0, r, cols);
                        byte[] out = new byte[2 * f.length];
                        for (int i = 0; i < f.length; i++) {
                            short h = toBf16(f[i]);
                            out[2 * i] = (byte) h;
                            out[2 * i + 1] = (byte) (h >> 8);
                        }
                        b.upload(out, 2L * r0 * cols);
                    }
                }
                return new Linear(name, target, rows, cols, b, null);
            }
            case F32 -> {
                DeviceBuffer b = track(dev.allocate(4 * n, name));
                for (int r0 = 0; r0 < rows; r0 += rowsPerChunk) {
                    int r = Math.min(rowsPerChunk, rows - r0);
                    b.upload(rowsAsFloat(t, r0, r, cols), 4L * r0 * cols);
                }
                return new Linear(name, target, rows, cols, b, null);
            }
            default -> {
                DeviceBuffer q = track(dev.allocate(n, name + " (q8 quants)"));
                DeviceBuffer s = track(dev.allocate(2 * (n / 32), name + " (q8 scales)"));
                for (int r0 = 0; r0 < rows; r0 += rowsPerChunk) {
                    int r = Math.min(rowsPerChunk, rows - r0);
                    int blocks = r * cols / 32;
                    byte[] qs = new byte[r * cols];
                    byte[] sc = new byte[2 * blocks];
                    if (dt == DType.Q8_0) {
                        MemorySegment seg = t.data().asSlice((long) r0 * cols / 32 * 34, (long) blocks * 34);
                        for (int bi = 0; bi < blocks; bi++) {
                            long o = bi * 34L;
                            sc[2 * bi] = seg.get(ValueLayout.JAVA_BYTE, o);
                            sc[2 * bi + 1] = seg.get(ValueLayout.JAVA_BYTE, o + 1);
                            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, o + 2, qs, bi * 32, 32);
                        }
                    } else {
                        quantizeQ8(rowsAsFloat(t, r0, r, cols), qs, sc);
                    }
                    q.upload(qs, (long) r0 * cols);
                    s.upload(sc, 2L * r0 * cols / 32);
                }
                return new Linear(name, target, rows, cols, q, s);
            }
        }
    }

    private static float[] rowsAsFloat(TensorData t, int r0, int r, int cols) {
        float[] f = new float[r * cols];
        long base = (long) r0 * cols;
        MemorySegment d = t.data();
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(d, F32, 4 * base, f, 0, f.length);
            case BF16 -> {
                for (int i = 0; i < f.length; i++) {
                    f[i] = Float.intBitsToFloat((d.getAtIndex(I16, base + i) & 0xFFFF) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < f.length; i++) {
                    f[i] = Float.float16ToFloat(d.getAtIndex(I16, base + i));
                }
            }
            case Q8_0 -> {
                for (int i = 0; i < f.length; i += 32) {
                    long o = (base + i) / 32 * 34;
                    float scale = Float.float16ToFloat(d.get(I16, o));
                    for (int j = 0; j < 32; j++) {
                        f[i + j] = scale * d.get(ValueLayout.JAVA_BYTE, o + 2 + j);
                    }
                }
            }
            default -> throw new ModelFormatException(null, t.name(), -1, "dtype " + t.dtype() + " cannot be converted");
        }
        return f;
    }

    /** float32 to bfloat16, round to nearest even (NaN stays NaN). */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** llama.cpp quantize_row_q8_0: d = amax / 127, q = round(x / d), scale stored as f16. */
    static void quantizeQ8(float[] x, byte[] qs, byte[] scales) {
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[b * 32 + j]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            short h = Float.floatToFloat16(d);
            scales[2 * b] = (byte) h;
            scales[2 * b + 1] = (byte) (h >> 8);
            for (int j = 0; j < 32; j++) {
                qs[b * 32 + j] = (byte) Math.round(x[b * 32 + j] * id);
            }
        }
    }

    long deviceBytes() {
        return all.stream().mapToLong(DeviceBuffer::bytes).sum();
    }

    /** Bytes streamed from memory per decoded token (every linear weight once, the head rows counted separately). */
    long bytesPerTokenExcludingHead() {
        long n = 0;
        for (Layer L : layers) {
            for (Linear x : List.of(L.q(), L.k(), L.v(), L.o(), L.gate(), L.up(), L.down())) {
                n += x.bytes();
            }
        }
        return n;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DeviceBuffer b : all) {
            b.close();
        }
    }
}
