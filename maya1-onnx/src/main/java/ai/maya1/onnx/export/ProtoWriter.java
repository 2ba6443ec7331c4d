package ai.maya1.onnx.export;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protocol-buffers encoder (wire format only: varints, 32-bit floats, length-delimited fields), enough
 * to write ONNX {@code ModelProto}s. Messages are built bottom-up: a nested message is encoded into its own
 * writer first, then embedded with its length. Field numbers live in {@link OnnxModel}.
 *
 * <p>Why hand-written instead of classes generated from onnx.proto: ONNX export needs a dozen message types
 * and only the encode direction, and protobuf-java cannot serialize messages over 2 GB anyway (large models go
 * to external data, see {@link OnnxModel}).
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int FIXED32 = 5;
    private static final int LEN = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    ProtoWriter varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToRawIntBits(value);
        out.write(bits);
        out.write(bits >>> 8);
        out.write(bits >>> 16);
        out.write(bits >>> 24);
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LEN);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter message) {
        tag(field, LEN);
        rawVarint(message.out.size());
        out.writeBytes(message.out.toByteArray());
        return this;
    }

    /** Packed repeated int64 (proto3 default for repeated scalars). */
    ProtoWriter packedVarints(int field, long[] values) {
        ProtoWriter p = new ProtoWriter();
        for (long v : values) {
            p.rawVarint(v);
        }
        tag(field, LEN);
        rawVarint(p.out.size());
        out.writeBytes(p.out.toByteArray());
        return this;
    }

    /** Packed repeated float. */
    ProtoWriter packedFloats(int field, float[] values) {
        tag(field, LEN);
        rawVarint(4L * values.length);
        for (float f : values) {
            int bits = Float.floatToRawIntBits(f);
            out.write(bits);
            out.write(bits >>> 8);
            out.write(bits >>> 16);
            out.write(bits >>> 24);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
