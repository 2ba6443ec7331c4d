package ai.maya1.acoustic.llama;

/**
 * A deliberately plain, independent restatement of the Hugging Face forward pass in double precision, one full
 * recomputation per call (no cache, no batching, no kernels): the oracle for shapes the golden data do not cover
 * (other GQA ratios, head_dim != hidden/heads, untied heads).
 */
final class ReferenceLlama {
    private ReferenceLlama() {
    }

    static double[][] logits(LlamaConfig c, RandomLlama w, int[] tokens) {
        int T = tokens.length;
        int D = c.hiddenSize();
        int H = c.numHeads();
        int KV = c.numKvHeads();
        int d = c.headDim();
        int I = c.intermediateSize();
        float[] inv = Rope.inverseFrequencies(d, c.ropeTheta(), c.ropeScaling());
        double[][] h = new double[T][D];
        float[] emb = w.values.get(LlamaTensors.EMBED);
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < D; i++) {
                h[t][i] = emb[tokens[t] * D + i];
            }
        }
        for (int l = 0; l < c.numLayers(); l++) {
            double[][] a = norm(h, w.values.get(LlamaTensors.layer(l, "input_layernorm.weight")), c.rmsNormEps());
            double[][] q = lin(a, w.values.get(LlamaTensors.layer(l, "self_attn.q_proj.weight")), H * d);
            double[][] k = lin(a, w.values.get(LlamaTensors.layer(l, "self_attn.k_proj.weight")), KV * d);
            double[][] v = lin(a, w.values.get(LlamaTensors.layer(l, "self_attn.v_proj.weight")), KV * d);
            for (int t = 0; t < T; t++) {
                rope(q[t], H, d, inv, t);
                rope(k[t], KV, d, inv, t);
            }
            double[][] att = new double[T][H * d];
            for (int t = 0; t < T; t++) {
                for (int hh = 0; hh < H; hh++) {
                    int j = hh / (H / KV);
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double dot = 0;
                        for (int i = 0; i < d; i++) {
                            dot += q[t][hh * d + i] * k[u][j * d + i];
                        }
                        s[u] = dot / Math.sqrt(d);
                        max = Math.max(max, s[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) {
                        s[u] = Math.exp(s[u] - max);
                        sum += s[u];
                    }
                    for (int u = 0; u <= t; u++) {
                        for (int i = 0; i < d; i++) {
                            att[t][hh * d + i] += s[u] / sum * v[u][j * d + i];
                        }
                    }
                }
            }
            double[][] o = lin(att, w.values.get(LlamaTensors.layer(l, "self_attn.o_proj.weight")), D);
            add(h, o);
            double[][] m = norm(h, w.values.get(LlamaTensors.layer(l, "post_attention_layernorm.weight")), c.rmsNormEps());
            double[][] g = lin(m, w.values.get(LlamaTensors.layer(l, "mlp.gate_proj.weight")), I);
            double[][] up = lin(m, w.values.get(LlamaTensors.layer(l, "mlp.up_proj.weight")), I);
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < I; i++) {
                    g[t][i] = g[t][i] / (1 + Math.exp(-g[t][i])) * up[t][i];
                }
            }
            add(h, lin(g, w.values.get(LlamaTensors.layer(l, "mlp.down_proj.weight")), D));
        }
        double[][] f = norm(h, w.values.get(LlamaTensors.NORM), c.rmsNormEps());
        return lin(f, w.values.get(c.tieWordEmbeddings() ? LlamaTensors.EMBED : LlamaTensors.LM_HEAD), c.vocabSize());
    }

    static void rope(double[] x, int heads, int d, float[] inv, int pos) {
        int half = d / 2;
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < half; j++) {
                double ang = (double) inv[j] * pos;
                double a = x[h * d + j];
                double b = x[h * d + j + half];
                x[h * d + j] = a * Math.cos(ang) - b * Math.sin(ang);
                x[h * d + j + half] = b * Math.cos(ang) + a * Math.sin(ang);
            }
        }
    }

    static double[][] norm(double[][] x, float[] w, float eps) {
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            double ss = 0;
            for (double v : x[t]) {
                ss += v * v;
            }
            double inv = 1 / Math.sqrt(ss / x[t].length + eps);
            for (int i = 0; i < x[t].length; i++) {
                y[t][i] = w[i] * x[t][i] * inv;
            }
        }
        return y;
    }

    static double[][] lin(double[][] x, float[] w, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int i = 0; i < in; i++) {
                    s += w[o * in + i] * x[t][i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                x[t][i] += y[t][i];
            }
        }
    }
}
