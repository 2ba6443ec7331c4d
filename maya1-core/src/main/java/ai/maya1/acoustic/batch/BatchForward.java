package ai.maya1.acoustic.batch;

import ai.maya1.acoustic.llama.CausalAttention;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.acoustic.llama.Rope;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.BatchGemm;
import ai.maya1.tensor.FloatMatrix;
import ai.maya1.tensor.VecMath;

/**
 * One forward pass over a batch of rows from different requests: decode tokens (one row per request) and prefill
 * chunks (consecutive rows of one request) together. Every weight matrix is applied to all rows at once
 * ({@link BatchGemm}: weights read once per step for the whole batch); RoPE, the KV append and attention are
 * per row against the row's own request cache. Each row's values depend only on its own request's tokens, never
 * on the other rows or the chunking: every reduction has a fixed per-row order. Public for benchmarks; the
 * scheduler is the API.
 */
public final class BatchForward {
    private final LlamaModel model;
    private final LlamaConfig c;
    private final Rope rope;

    public BatchForward(LlamaModel model) {
        this.model = model;
        this.c = model.config();
        this.rope = model.rope();
    }

    /**
     * Runs the rows: {@code tokens[i]} at position {@code pos[i]} of {@code kv[i]}. Rows of one request must be
     * consecutive positions in increasing order, their caches already filled below the first. Returns the
     * final-normed hidden states {@code [n, hidden]}.
     */
    public float[] forward(ComputeExecutor exec, SequenceKv[] kv, int[] tokens, int[] pos, int n) {
        final int D = c.hiddenSize();
        final int H = c.numHeads();
        final int KV = c.numKvHeads();
        final int hd = c.headDim();
        final int G = H / KV;
        final int qDim = c.qDim();
        final int kvDim = c.kvDim();
        final int I = c.intermediateSize();
        int maxPos = 0;
        for (int i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            }
            kv[i].ensure(pos[i] + 1);
            maxPos = Math.max(maxPos, pos[i]);
        }
        float[] x = new float[n * D];
        for (int i = 0; i < n; i++) {
            model.embedding().dequantizeRow(tokens[i], x, i * D);
        }
        int half = hd / 2;
        float[][] cos = new float[n][half];
        float[][] sin = new float[n][half];
        for (int i = 0; i < n; i++) {
            rope.table(pos[i], cos[i], sin[i]);
        }
        float[] a = new float[n * D];
        float[] q = new float[n * qDim];
        float[] k = new float[n * kvDim];
        float[] v = new float[n * kvDim];
        float[] att = new float[n * qDim];
        float[] o = new float[n * D];
        float[] g = new float[n * I];
        float[] u = new float[n * I];
        final float scale = (float) (1.0 / Math.sqrt(hd));
        final int maxS = maxPos + 1;
        for (int l = 0; l < c.numLayers(); l++) {
            LlamaModel.Layer L = model.layer(l);
            for (int i = 0; i < n; i++) {
                VecMath.rmsNorm(x, i * D, L.attnNorm(), c.rmsNormEps(), a, i * D, D);
            }
            BatchGemm.multi(exec, new FloatMatrix[] {L.wq(), L.wk(), L.wv()}, a, n, new float[][] {q, k, v});
            for (int i = 0; i < n; i++) {
                rope.apply(q, i * qDim, H, cos[i], sin[i]);
                rope.apply(k, i * kvDim, KV, cos[i], sin[i]);
                kv[i].put(l, pos[i], k, i * kvDim, v, i * kvDim);
            }
            final int layer = l;
            java.util.Arrays.fill(att, 0f);
            exec.parallelForRange(n * H, (from, to) -> {
                float[] s = new float[maxS];
                for (int idx = from; idx < to; idx++) {
                    int i = idx / H;
                    int h = idx % H;
                    int kvh = h / G;
                    int last = pos[i];
                    int qo = i * qDim + h * hd;
                    CausalAttention.attendHead(kv[i], layer, last, kvh, hd, q, qo, scale, s, att, null, 0);
                }
            });
            BatchGemm.multi(exec, new FloatMatrix[] {L.wo()}, att, n, new float[][] {o});
            VecMath.add(x, o, n * D);
            for (int i = 0; i < n; i++) {
                VecMath.rmsNorm(x, i * D, L.mlpNorm(), c.rmsNormEps(), a, i * D, D);
            }
            BatchGemm.multi(exec, new FloatMatrix[] {L.gate(), L.up()}, a, n, new float[][] {g, u});
            VecMath.siluMul(g, u, n * I);
            BatchGemm.multi(exec, new FloatMatrix[] {L.down()}, g, n, new float[][] {o});
            VecMath.add(x, o, n * D);
        }
        float[] out = new float[n * D];
        for (int i = 0; i < n; i++) {
            VecMath.rmsNorm(x, i * D, model.finalNormWeight(), c.rmsNormEps(), out, i * D, D);
        }
        return out;
    }
}
