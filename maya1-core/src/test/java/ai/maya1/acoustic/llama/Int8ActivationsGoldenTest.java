package ai.maya1.acoustic.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.ActivationFormat;
import ai.maya1.tensor.Q4_0Matrix;
import ai.maya1.tensor.Q8_0Matrix;
import ai.maya1.tensor.VecMath;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.testing.Golden;
import ai.maya1.weights.DType;
import ai.maya1.weights.InMemoryTensorSource;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The golden tiny Llama with Q8_0 and Q4_0 weights: the int8-activation products ({@link ActivationFormat#Q8}, the
 * default) against the exact float path ({@link ActivationFormat#F32}) on the same weights. Over every prompt
 * position of every golden case the logits stay within {@value #TOL} (max |diff|, logits of magnitude ~1-10) and the
 * top-1 token agrees at {@value #MIN_TOP1} of the positions or more; greedy continuations agree; runs are
 * bit-reproducible.
 */
class Int8ActivationsGoldenTest {
    /** Max |logit difference| allowed: activation rounding to 8 bits (relative error ~1/254 per block) through
     * every layer. Measured on this model: see the report printed by the test. */
    static final float TOL = 0.1f;
    static final double MIN_TOP1 = 0.95;
    static JsonNode cases;
    static LlamaConfig config;
    static ComputeExecutor exec;

    @BeforeAll
    static void setUp() throws IOException {
        cases = new ObjectMapper().readTree(Golden.golden("llama/cases.json").toFile());
        config = LlamaConfig.load(Golden.golden("llama/config.json"));
        exec = new ComputeExecutor(2, "test-int8");
    }

    @AfterAll
    static void tearDown() {
        exec.close();
    }

    /** The golden weights with every matrix quantized to {@code type} (ggml's reference quantizers), norms as F32. */
    static TensorSource quantized(SafetensorsFile src, DType type) {
        InMemoryTensorSource out = new InMemoryTensorSource("golden " + type);
        for (String name : src.names()) {
            TensorData td = src.get(name);
            if (td.rank() != 2) {
                out.add(td);
                continue;
            }
            int rows = (int) td.dim(0);
            int cols = (int) td.dim(1);
            float[] v = td.toFloatArray();
            long rowBytes = (long) cols / type.blockSize() * type.blockBytes();
            MemorySegment seg = Arena.ofAuto().allocate(rowBytes * rows, 64);
            for (int r = 0; r < rows; r++) {
                if (type == DType.Q8_0) {
                    Q8_0Matrix.quantizeRow(v, r * cols, cols, seg, r * rowBytes);
                } else {
                    Q4_0Matrix.quantizeRow(v, r * cols, cols, seg, r * rowBytes);
                }
            }
            out.add(new TensorData(name, type, td.shape(), seg));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Q8_0", "Q4_0"})
    void int8ActivationLogitsStayCloseToTheExactFloatPathAndGreedyAgrees(String type) {
        try (SafetensorsFile f32 = SafetensorsFile.open(Golden.golden("llama/model.safetensors"))) {
            TensorSource src = quantized(f32, DType.valueOf(type));
            LlamaModel int8 = LlamaModel.load(config, src, WeightFormat.AS_STORED, ActivationFormat.Q8);
            LlamaModel exact = LlamaModel.load(config, src, WeightFormat.AS_STORED, ActivationFormat.F32);
            assertEquals(type, int8.weightFormatName());
            int vocab = config.vocabSize();
            double worst = 0;
            int positions = 0;
            int agree = 0;
            int greedySteps = 0;
            for (JsonNode c : cases.get("cases")) {
                int[] prompt = ints(c.get("prompt_ids"));
                float[] a = int8.logits(exec, int8.forward(exec, int8.newCache(64, KvCache.Precision.F32), prompt, null), prompt.length);
                float[] b = exact.logits(exec, exact.forward(exec, exact.newCache(64, KvCache.Precision.F32), prompt, null), prompt.length);
                float[] again = int8.logits(exec, int8.forward(exec, int8.newCache(64, KvCache.Precision.F32), prompt, null), prompt.length);
                assertArrayEquals(a, again, "bit-reproducible run to run");
                for (int t = 0; t < prompt.length; t++) {
                    for (int i = 0; i < vocab; i++) {
                        worst = Math.max(worst, Math.abs(a[t * vocab + i] - b[t * vocab + i]));
                    }
                    positions++;
                    if (VecMath.argmax(a, t * vocab, vocab) == VecMath.argmax(b, t * vocab, vocab)) {
                        agree++;
                    }
                }
                greedySteps += greedyAgreement(exact, int8, prompt, 12, type + " " + c.get("name").asText());
            }
            System.out.printf("[int8 golden] %s: max |logit diff| %.5f over %d positions x %d logits, top-1 agreement %d/%d, "
                    + "greedy agreed on %d decided steps%n", type, worst, positions, vocab, agree, positions, greedySteps);
            assertTrue(worst <= TOL, type + ": max |logit diff| " + worst + " > " + TOL);
            assertTrue(agree >= MIN_TOP1 * positions, type + ": top-1 agreement " + agree + "/" + positions);
        }
    }

    /**
     * Greedy decoding with both models side by side: the tokens must agree at every step until the exact path's
     * top-2 margin falls within {@link #TOL} (a tie at the tolerance: either choice is a correct greedy step, and
     * the runs may part there). Returns the number of steps compared.
     */
    static int greedyAgreement(LlamaModel exact, LlamaModel int8, int[] prompt, int n, String what) {
        int vocab = config.vocabSize();
        KvCache ce = exact.newCache(prompt.length + n + 1, KvCache.Precision.F32);
        KvCache ci = int8.newCache(prompt.length + n + 1, KvCache.Precision.F32);
        float[] se = exact.logitsAt(exec, exact.forward(exec, ce, prompt, null), prompt.length - 1);
        float[] si = int8.logitsAt(exec, int8.forward(exec, ci, prompt, null), prompt.length - 1);
        for (int i = 0; i < n; i++) {
            int te = VecMath.argmax(se, 0, vocab);
            float second = Float.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                if (v != te) {
                    second = Math.max(second, se[v]);
                }
            }
            if (se[te] - second <= TOL) {
                return i;
            }
            assertEquals(te, VecMath.argmax(si, 0, vocab), what + " greedy step " + i + " (exact-path margin " + (se[te] - second) + ")");
            se = exact.logitsAt(exec, exact.forward(exec, ce, new int[] {te}, null), 0);
            si = int8.logitsAt(exec, int8.forward(exec, ci, new int[] {te}, null), 0);
        }
        return n;
    }

    static int[] ints(JsonNode arr) {
        return Arrays.stream(LlamaGoldenTest.ints(arr)).toArray();
    }
}
