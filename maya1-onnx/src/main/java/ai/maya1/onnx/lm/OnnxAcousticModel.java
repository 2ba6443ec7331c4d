package ai.maya1.onnx.lm;

import ai.maya1.Maya1Tokens;
import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.AcousticModelInfo;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.FrameSink;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.sampling.FrameConstraint;
import ai.maya1.acoustic.sampling.TokenSampler;
import ai.maya1.vocoder.SnacFrame;

/**
 * Maya1's acoustic model on ONNX Runtime: prefill, then one token per step with the KV cache of a
 * {@link LlamaSequence}, sampling on the Java side, frames delivered as soon as their 7th token is sampled.
 */
public final class OnnxAcousticModel implements AcousticModel {
    /** End of the audio codes. */
    public static final int CODE_END = Maya1Tokens.CODE_END;
    private static final int CODES = SnacFrame.CODE_TOKEN_OFFSET;
    private static final int CODES_END = CODES + 7 * SnacFrame.CODEBOOK_SIZE;

    private final OnnxLlama model;
    private final int contextLength;
    private final String name;
    private final LlamaConfig.TestModelHook testModel;

    public OnnxAcousticModel(OnnxLlama model, int contextLength, String name) {
        this(model, contextLength, name, null);
    }

    /**
     * @param testModel the built-in test model's hook from its config.json (CODE_END once its frames are out, as the
     *                  java backend does), or null for a real model
     */
    public OnnxAcousticModel(OnnxLlama model, int contextLength, String name, LlamaConfig.TestModelHook testModel) {
        if (contextLength <= 0) {
            throw new IllegalArgumentException("contextLength must be > 0");
        }
        this.model = model;
        this.contextLength = contextLength;
        this.name = name;
        this.testModel = testModel;
    }

    @Override
    public AcousticModelInfo info() {
        return new AcousticModelInfo(name, "onnx", "F32 (" + model.layout() + ", " + model.providerNote() + ")", model.vocabSize(),
                contextLength, model.parameters(), testModel != null);
    }

    /** The underlying graph (logit-level access). */
    public OnnxLlama graph() {
        return model;
    }

    @Override
    public GenerationResult generate(int[] promptIds, GenerationOptions options, FrameSink sink) {
        int vocab = model.vocabSize();
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("prompt is empty");
        }
        for (int i = 0; i < promptIds.length; i++) {
            if (promptIds[i] < 0 || promptIds[i] >= vocab) {
                throw new IllegalArgumentException("prompt token " + promptIds[i] + " at position " + i + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        if (promptIds.length >= contextLength) {
            throw new IllegalArgumentException("prompt of " + promptIds.length + " tokens does not fit the context length " + contextLength);
        }
        boolean maya1Vocab = vocab >= CODES_END;
        if (options.constrained() && !maya1Vocab) {
            throw new IllegalArgumentException("frame-constrained decoding needs a Maya1 vocabulary (>= " + CODES_END + " ids), model has " + vocab);
        }
        // the one sampler of every backend: the same logits and seed give the same tokens as the java backend
        TokenSampler sampler = new TokenSampler(options.sampling(), options.seed());
        sampler.see(promptIds);
        float[] logits = new float[vocab];
        int[] candidateIds = new int[options.constrained() ? FrameConstraint.MAX_CANDIDATES : vocab];
        float[] candidateLogits = new float[candidateIds.length];
        int[] one = new int[1];
        int[] frameTokens = new int[SnacFrame.TOKENS_PER_FRAME];
        int inFrame = 0;
        int frames = 0;
        int targetFrames = testModel == null ? Integer.MAX_VALUE : testModel.targetFrames(promptIds.length);
        int generated = 0;
        long prefill = 0;
        long t0 = System.nanoTime();
        long decodeStart = t0;
        FinishReason reason;
        Throwable error = null;
        try (LlamaSequence seq = model.newSequence(contextLength)) {
            seq.forward(promptIds, logits);
            prefill = System.nanoTime() - t0;
            decodeStart = System.nanoTime();
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                if (System.nanoTime() - options.deadlineNanos() > 0 && options.deadlineNanos() != Long.MAX_VALUE) {
                    reason = FinishReason.DEADLINE;
                    break;
                }
                boolean endAllowed = generated >= options.minNewTokens() && inFrame == 0 && CODE_END < vocab;
                int tok;
                if (endAllowed && maya1Vocab && frames >= targetFrames) {
                    tok = CODE_END; // the test model's hook: its random weights would rarely end by themselves
                } else if (options.constrained()) {
                    int n = candidates(logits, FrameConstraint.slotBase(inFrame), SnacFrame.CODEBOOK_SIZE, endAllowed ? CODE_END : -1,
                            candidateIds, candidateLogits);
                    tok = sampler.sample(candidateIds, candidateLogits, n);
                } else {
                    if (!endAllowed && CODE_END < vocab) {
                        logits[CODE_END] = Float.NEGATIVE_INFINITY; // HF MinNewTokensLengthLogitsProcessor
                    }
                    tok = sampler.sample(candidateIds, candidateLogits, candidates(logits, 0, vocab, -1, candidateIds, candidateLogits));
                }
                generated++;
                sampler.see(tok);
                if (tok == CODE_END && maya1Vocab) {
                    reason = FinishReason.END_OF_SPEECH;
                    break;
                }
                if (FrameConstraint.isCode(tok)) {
                    frameTokens[inFrame++] = tok;
                    if (inFrame == SnacFrame.TOKENS_PER_FRAME) {
                        inFrame = 0;
                        if (!sink.onFrame(SnacFrame.fromCodeTokens(frameTokens), frames++)) {
                            reason = FinishReason.CANCELLED;
                            break;
                        }
                    }
                }
                if (generated >= options.maxNewTokens()) {
                    reason = FinishReason.MAX_TOKENS;
                    break;
                }
                if (seq.length() >= seq.capacity()) {
                    reason = FinishReason.CONTEXT_FULL;
                    break;
                }
                one[0] = tok;
                seq.forward(one, logits);
            }
        } catch (KvSequence.ContextFullException e) {
            reason = FinishReason.CONTEXT_FULL;
        } catch (RuntimeException e) {
            reason = FinishReason.ERROR;
            error = e;
        }
        long decode = System.nanoTime() - decodeStart;
        return new GenerationResult(promptIds.length, generated, frames, reason, prefill, decode, error);
    }

    /**
     * Copies the logits of ids {@code [from, from + count)} and, unless -1, of {@code extra} into the candidate
     * arrays, in the order the java backend computes its head rows (the sampler's ties depend on it).
     */
    private static int candidates(float[] logits, int from, int count, int extra, int[] ids, float[] values) {
        for (int i = 0; i < count; i++) {
            ids[i] = from + i;
        }
        System.arraycopy(logits, from, values, 0, count);
        if (extra < 0) {
            return count;
        }
        ids[count] = extra;
        values[count] = logits[extra];
        return count + 1;
    }

    @Override
    public void close() {
        model.close();
    }
}
