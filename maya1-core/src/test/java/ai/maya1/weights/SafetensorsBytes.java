package ai.maya1.weights;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: writes safetensors files from tensors (header padded to 8 bytes like the reference writer). */
final class SafetensorsBytes {
    private SafetensorsBytes() {
    }

    static byte[] write(Map<String, TensorData> tensors, Map<String, String> metadata) {
        ObjectNode h = ModelJson.mapper().createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = h.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long off = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (TensorData t : tensors.values()) {
            ObjectNode e = h.putObject(t.name());
            e.put("dtype", t.dtype().name());
            var shape = e.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long n = t.data().byteSize();
            e.putArray("data_offsets").add(off).add(off + n);
            off += n;
            data.writeBytes(t.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        return raw(h.toString(), data.toByteArray());
    }

    static byte[] raw(String header, byte[] data) {
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        int pad = (8 - hb.length % 8) % 8;
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + pad + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length + pad).put(hb);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put(data);
        return b.array();
    }

    static Map<String, TensorData> all(TensorSource s) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        for (String n : s.names()) {
            m.put(n, s.get(n));
        }
        return m;
    }

    static Path file(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
