package ai.maya1.tensor;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Reads {@code lm/quant_fixtures.bin} written by tools/fixtures/lm/make_quant_fixtures.py (gguf's quantizers). */
final class QuantFixtures {
    final Map<String, float[]> floats = new HashMap<>();
    final Map<String, byte[]> bytes = new HashMap<>();

    static QuantFixtures load() throws IOException {
        QuantFixtures f = new QuantFixtures();
        try (InputStream in = QuantFixtures.class.getResourceAsStream("/lm/quant_fixtures.bin")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource lm/quant_fixtures.bin");
            }
            ByteBuffer b = ByteBuffer.wrap(new DataInputStream(in).readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                byte[] name = new byte[b.getShort() & 0xFFFF];
                b.get(name);
                int kind = b.get();
                int n = b.getInt();
                String key = new String(name, StandardCharsets.UTF_8);
                if (kind == 0) {
                    float[] v = new float[n];
                    b.asFloatBuffer().get(v);
                    b.position(b.position() + 4 * n);
                    f.floats.put(key, v);
                } else {
                    byte[] v = new byte[n];
                    b.get(v);
                    f.bytes.put(key, v);
                }
            }
        }
        return f;
    }
}
