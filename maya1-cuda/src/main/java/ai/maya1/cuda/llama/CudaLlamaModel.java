package ai.maya1.cuda.llama;

import ai.maya1.Maya1Tokens;
import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.AcousticModelInfo;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.FrameSink;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.acoustic.sampling.FrameConstraint;
import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.CudaException;
import ai.maya1.cuda.CudaModule;
import ai.maya1.cuda.CudaStream;
import ai.maya1.cuda.DeviceBuffer;
import ai.maya1.cuda.Kernel;
import ai.maya1.cuda.KernelArgs;
import ai.maya1.cuda.KernelResources;
import ai.maya1.cuda.ModelFiles;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maya1's Llama LM on an NVIDIA GPU. Prefill runs in chunks of {@value #PREFILL_CHUNK} tokens through the
 * tensor-core GEMM (BF16/Q8_0 weights; F32 weights and {@code maya1.cuda.tensorCores=false} use the exact
 * float32 GEMV path); each decode step is batch-1 GEMVs, optionally replayed from a CUDA graph
 * ({@code maya1.cuda.graphs}, default true). Sampling runs on the GPU over only the candidate rows the frame
 * constraint allows; only the chosen id comes back.
 *
 * <p>Concurrency: each generate call takes one of {@link #sessions()} sessions (own KV cache, scratch and CUDA
 * stream; the count follows the KV budget) and waits when all are busy.
 */
public final class CudaLlamaModel implements AcousticModel {
    private static final Logger LOG = LoggerFactory.getLogger(CudaLlamaModel.class);
    public static final int CODE_END = Maya1Tokens.CODE_END;
    static final int PREFILL_CHUNK = 256;
    /** Keys per attention split in prefill (many queries already fill the GPU). */
    static final int ATTN_CHUNK = 256;
    /** Keys per attention split in a decode step: more, shorter splits so one query still fills the SMs. */
    static final int DECODE_ATTN_CHUNK = 64;
    static final int MAX_SESSIONS = 64;

    private final CudaDevice device;
    private final boolean ownsDevice;
    private final CudaModule module;
    private final LlamaGpuWeights w;
    private final CudaLlamaConfig cfg;
    private final int contextLength;
    private final boolean kvBf16;
    private final boolean tensorCores = !"false".equals(System.getProperty("maya1.cuda.tensorCores"));
    private final boolean graphs = !"false".equals(System.getProperty("maya1.cuda.graphs")) && !Boolean.getBoolean("maya1.cuda.sync");
    private final AcousticModelInfo info;
    private final BlockingQueue<Session> idle;
    private final Session[] sessions;
    private final Kernel kEmbed, kNorm, kToBf16, kGemvF32, kGemvBf16, kGemvQ8, kGemmBf16, kGemmQ8, kRope, kKvF32, kKvBf16, kAttnF32,
            kAttnBf16, kCombine, kSilu, kSample, kMarkSeen;
    private volatile boolean closed;

    private CudaLlamaModel(CudaDevice device, boolean ownsDevice, TensorSource src, CudaLlamaConfig cfg, String name, String weightFormat,
                           int contextLength, long kvBudgetBytes, boolean kvBf16) {
        if (contextLength <= 0) {
            throw new IllegalArgumentException("context length must be > 0, got " + contextLength);
        }
        this.device = device;
        this.ownsDevice = ownsDevice;
        this.cfg = cfg;
        this.contextLength = contextLength;
        this.kvBf16 = kvBf16;
        device.makeCurrent();
        this.module = device.loadModule(KernelResources.LLAMA);
        LlamaGpuWeights lw = null;
        Session[] ss = null;
        try {
            lw = new LlamaGpuWeights(device, src, cfg, weightFormat);
            kEmbed = module.kernel("llama_embed");
            kNorm = module.kernel("llama_rmsnorm");
            kToBf16 = module.kernel("llama_to_bf16");
            kGemvF32 = module.kernel("llama_gemv_f32");
            kGemvBf16 = module.kernel("llama_gemv_bf16");
            kGemvQ8 = module.kernel("llama_gemv_q8");
            kGemmBf16 = module.kernel("llama_gemm_bf16");
            kGemmQ8 = module.kernel("llama_gemm_q8");
            kRope = module.kernel("llama_rope");
            kKvF32 = module.kernel("llama_kv_store_f32");
            kKvBf16 = module.kernel("llama_kv_store_bf16");
            kAttnF32 = module.kernel("llama_attn_f32");
            kAttnBf16 = module.kernel("llama_attn_bf16");
            kCombine = module.kernel("llama_attn_combine");
            kSilu = module.kernel("llama_silu_mul");
            kSample = module.kernel("llama_sample");
            kMarkSeen = module.kernel("llama_mark_seen");
            this.w = lw;
            long perSession = kvBytesPerSession();
            int n = (int) Math.max(1, Math.min(MAX_SESSIONS, kvBudgetBytes <= 0 ? 1 : kvBudgetBytes / perSession));
            ss = new Session[n];
            for (int i = 0; i < n; i++) {
                ss[i] = new Session();
            }
        } catch (RuntimeException e) {
            if (ss != null) {
                for (Session s : ss) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
            if (lw != null) {
                lw.close();
            }
            module.close();
            throw e;
        }
        this.sessions = ss;
        if (graphs) {
            // capture now, single-threaded, before any concurrent use of the device
            for (Session s : ss) {
                s.decodeGraph = capture(s);
            }
        }
        this.idle = new ArrayBlockingQueue<>(ss.length, false, java.util.List.of(ss));
        this.info = new AcousticModelInfo(name, "cuda", w.formatName, cfg.vocabSize(), contextLength, w.parameters, cfg.testModel());
        LOG.info("CUDA acoustic model {}: {} weights ({} MiB on device), {} session(s) of {} tokens, KV {}, kernels from {}", name, w.formatName,
                w.deviceBytes() >> 20, ss.length, contextLength, kvBf16 ? "BF16" : "F32", module.loadedFrom());
    }

    /** Loads a folder (config.json + weights) or a file readable by {@code TensorSources} onto {@code device}. */
    public static CudaLlamaModel load(CudaDevice device, boolean ownsDevice, Path model, String weightFormat, int contextLength,
                                      long kvBudgetBytes, boolean kvBf16) {
        Path dir = Files.isDirectory(model) ? model : model.getParent();
        Path cfgFile = dir == null ? null : dir.resolve("config.json");
        if (cfgFile == null || !Files.isRegularFile(cfgFile)) {
            throw new ModelFormatException(model, null, -1, "no config.json beside the weights");
        }
        CudaLlamaConfig c = CudaLlamaConfig.load(cfgFile);
        try (TensorSource src = ModelFiles.open(model)) {
            return new CudaLlamaModel(device, ownsDevice, src, c, model.toString(), weightFormat, contextLength, kvBudgetBytes, kvBf16);
        }
    }

    public static CudaLlamaModel load(CudaDevice device, TensorSource src, CudaLlamaConfig cfg, String weightFormat, int contextLength,
                                      long kvBudgetBytes, boolean kvBf16) {
        return new CudaLlamaModel(device, false, src, cfg, src.path().toString(), weightFormat, contextLength, kvBudgetBytes, kvBf16);
    }

    long kvBytesPerSession() {
        return 2L * cfg.layers() * cfg.kvHeads() * (long) contextLength * cfg.headDim() * (kvBf16 ? 2 : 4);
    }

    /** Concurrent generations this model can hold (one KV cache each). */
    public int sessions() {
        return sessions.length;
    }

    /** Bytes of linear weights read per decoded token (the HBM roofline numerator; head rows excluded). */
    public long weightBytesPerToken() {
        return w.bytesPerTokenExcludingHead();
    }

    public CudaDevice device() {
        return device;
    }

    @Override
    public AcousticModelInfo info() {
        return info;
    }

    // ----------------------------------------------------------------------------------------------------------
    /** One request's device state: KV cache, activations, sampler state, CUDA stream and decode graph. */
    private final class Session implements AutoCloseable {
        final CudaStream stream = device.createStream();
        final int d = cfg.hiddenSize(), hd = cfg.headDim(), h = cfg.heads(), kv = cfg.kvHeads(), inter = cfg.intermediateSize();
        final long layerStride = (long) kv * contextLength * hd; // elements
        final int maxSplit = (contextLength + DECODE_ATTN_CHUNK - 1) / DECODE_ATTN_CHUNK; // decode (one query)
        final int maxPrefillSplit = (contextLength + ATTN_CHUNK - 1) / ATTN_CHUNK;
        final DeviceBuffer kc, vc, x, xn, xbf, q, k, v, attn, gate, up, act, partial, logits, seen, ids, pos, slot, outId;
        CUgraphExec decodeGraph;
        boolean closed;

        Session() {
            int p = PREFILL_CHUNK;
            int eb = kvBf16 ? 2 : 4;
            kc = device.allocate(layerStride * cfg.layers() * eb, "KV cache keys");
            vc = device.allocate(layerStride * cfg.layers() * eb, "KV cache values");
            x = device.allocate(4L * p * d, "hidden");
            xn = device.allocate(4L * p * d, "normed");
            xbf = device.allocate(2L * p * Math.max(Math.max(d, inter), h * hd), "bf16 activations");
            q = device.allocate(4L * p * h * hd, "q");
            k = device.allocate(4L * p * kv * hd, "k");
            v = device.allocate(4L * p * kv * hd, "v");
            attn = device.allocate(4L * p * h * hd, "attention output");
            gate = device.allocate(4L * p * inter, "gate");
            up = device.allocate(4L * p * inter, "up");
            act = device.allocate(4L * p * inter, "act");
            partial = device.allocate(4L * Math.max((long) p * maxPrefillSplit, maxSplit) * h * (hd + 2), "attention partials");
            logits = device.allocate(4L * (cfg.vocabSize() + 1), "logits");
            seen = device.allocate(cfg.vocabSize(), "seen ids");
            ids = device.allocate(4L * p, "token ids");
            pos = device.allocate(4L * p, "positions");
            slot = device.allocate(4L * p, "cache slots");
            outId = device.allocate(4, "sampled id");
            slot.zero();
            device.synchronize();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (decodeGraph != null) {
                JCudaDriver.cuGraphExecDestroy(decodeGraph);
            }
            for (DeviceBuffer b : new DeviceBuffer[] {kc, vc, x, xn, xbf, q, k, v, attn, gate, up, act, partial, logits, seen, ids, pos, slot, outId}) {
                if (b != null) {
                    b.close();
                }
            }
            stream.close();
        }
    }

    private static int ceil(long a, int b) {
        return Math.toIntExact((a + b - 1) / b);
    }

    /** y[t] = W x[t] (+ y[t] when residual) for T rows; rows [rowStart, rowStart + nRows) of W. */
    private void linear(Session s, LlamaGpuWeights.Linear wt, DeviceBuffer in, long inOff, int t, DeviceBuffer out, long outOff, int outStride,
                        boolean residual, long rowStart, int nRows) {
        int cols = wt.cols();
        if (t > 8 && tensorCores && wt.format() != LlamaGpuWeights.Format.F32) {
            long n = (long) t * cols;
            kToBf16.launch(s.stream, ceil(n, 256), 1, 1, 256, 0, KernelArgs.of().ptr(in, inOff).ptr(s.xbf).i64(n));
            KernelArgs a = KernelArgs.of().ptr(s.xbf).i32(t).i32(cols).ptr(wt.data());
            if (wt.format() == LlamaGpuWeights.Format.Q8_0) {
                a.ptr(wt.scales());
            }
            a.i64(rowStart).i32(nRows).ptr(out, outOff).i32(outStride);
            if (residual) {
                a.ptr(out, outOff);
            } else {
                a.nullPtr();
            }
            (wt.format() == LlamaGpuWeights.Format.Q8_0 ? kGemmQ8 : kGemmBf16).launch(s.stream, ceil(nRows, 64), ceil(t, 64), 1, 128, 0, a);
            return;
        }
        for (int c0 = 0; c0 < t; c0 += 8) {
            int nc = Math.min(8, t - c0);
            long xo = inOff + 4L * c0 * cols;
            long oo = outOff + 4L * c0 * outStride;
            KernelArgs a = KernelArgs.of().ptr(wt.data());
            if (wt.format() == LlamaGpuWeights.Format.Q8_0) {
                a.ptr(wt.scales());
            }
            a.i32(cols).i64(rowStart).i32(nRows).ptr(in, xo).i32(nc).ptr(out, oo).i32(outStride);
            if (residual) {
                a.ptr(out, oo);
            } else {
                a.nullPtr();
            }
            Kernel k = switch (wt.format()) {
                case F32 -> kGemvF32;
                case BF16 -> kGemvBf16;
                case Q8_0 -> kGemvQ8;
            };
            k.launch(s.stream, ceil(nRows, 8), 1, 1, 256, 0, a);
        }
    }

    /** Embeds s.ids[0..t) and runs every layer; positions in s.pos. Leaves the hidden states in s.x. */
    private void forward(Session s, int t, int nSplit, int chunk) {
        LlamaGpuWeights.Linear e = w.embed;
        int dtype = switch (e.format()) {
            case F32 -> 0;
            case BF16 -> 1;
            case Q8_0 -> 2;
        };
        KernelArgs ea = KernelArgs.of().ptr(e.data());
        if (e.scales() != null) {
            ea.ptr(e.scales());
        } else {
            ea.nullPtr();
        }
        kEmbed.launch(s.stream, ceil(s.d, 256), t, 1, 256, 0, ea.i32(dtype).ptr(s.ids).i32(s.d).ptr(s.x));
        float scale = (float) (1.0 / Math.sqrt(s.hd));
        int eb = kvBf16 ? 2 : 4;
        for (int l = 0; l < w.layers.length; l++) {
            LlamaGpuWeights.Layer L = w.layers[l];
            kNorm.launch(s.stream, t, 1, 1, 256, 0, KernelArgs.of().ptr(s.x).ptr(L.attnNorm()).ptr(s.xn).i32(s.d).f32(cfg.rmsNormEps()));
            linear(s, L.q(), s.xn, 0, t, s.q, 0, s.h * s.hd, false, 0, s.h * s.hd);
            linear(s, L.k(), s.xn, 0, t, s.k, 0, s.kv * s.hd, false, 0, s.kv * s.hd);
            linear(s, L.v(), s.xn, 0, t, s.v, 0, s.kv * s.hd, false, 0, s.kv * s.hd);
            kRope.launch(s.stream, t, s.h + s.kv, 1, Math.max(32, s.hd / 2), 0,
                    KernelArgs.of().ptr(s.q).ptr(s.k).ptr(s.pos).i32(s.h).i32(s.kv).i32(s.hd).ptr(w.invFreq));
            long layerOff = (long) l * s.layerStride * eb;
            (kvBf16 ? kKvBf16 : kKvF32).launch(s.stream, t, s.kv, 1, Math.max(32, s.hd), 0, KernelArgs.of().ptr(s.k).ptr(s.v).ptr(s.slot)
                    .ptr(s.pos).i32(s.kv).i32(s.hd).ptr(s.kc, layerOff).ptr(s.vc, layerOff).i64(cfg.layers() * s.layerStride).i32(contextLength));
            (kvBf16 ? kAttnBf16 : kAttnF32).launch(s.stream, s.h, nSplit, t, 128, 0, KernelArgs.of().ptr(s.q).ptr(s.kc, layerOff)
                    .ptr(s.vc, layerOff).i64(cfg.layers() * s.layerStride).i32(contextLength).ptr(s.slot).ptr(s.pos).i32(s.h).i32(s.kv)
                    .i32(s.hd).i32(chunk).f32(scale).ptr(s.partial));
            kCombine.launch(s.stream, s.h, t, 1, 128, 0, KernelArgs.of().ptr(s.partial).i32(s.h).i32(s.hd).i32(nSplit).ptr(s.attn));
            linear(s, L.o(), s.attn, 0, t, s.x, 0, s.d, true, 0, s.d);
            kNorm.launch(s.stream, t, 1, 1, 256, 0, KernelArgs.of().ptr(s.x).ptr(L.mlpNorm()).ptr(s.xn).i32(s.d).f32(cfg.rmsNormEps()));
            linear(s, L.gate(), s.xn, 0, t, s.gate, 0, s.inter, false, 0, s.inter);
            linear(s, L.up(), s.xn, 0, t, s.up, 0, s.inter, false, 0, s.inter);
            long n = (long) t * s.inter;
            kSilu.launch(s.stream, ceil(n, 256), 1, 1, 256, 0, KernelArgs.of().ptr(s.gate).ptr(s.up).ptr(s.act).i64(n));
            linear(s, L.down(), s.act, 0, t, s.x, 0, s.d, true, 0, s.d);
        }
    }

    /** Final norm of row {@code row} of s.x, then the head rows [rowStart, rowStart + n) (+ extraId) into s.logits. */
    private void head(Session s, int row, long rowStart, int n, int extraId) {
        kNorm.launch(s.stream, 1, 1, 1, 256, 0, KernelArgs.of().ptr(s.x, 4L * row * s.d).ptr(w.finalNorm).ptr(s.xn).i32(s.d).f32(cfg.rmsNormEps()));
        if (n > 0) {
            linear(s, w.head, s.xn, 0, 1, s.logits, 0, n, false, rowStart, n);
        }
        if (extraId >= 0) {
            linear(s, w.head, s.xn, 0, 1, s.logits, 4L * n, 1, false, extraId, 1);
        }
    }

    private void setTokens(Session s, int[] ids, int from, int t, int pos0) {
        int[] tok = new int[t];
        int[] p = new int[t];
        for (int i = 0; i < t; i++) {
            int id = ids[from + i];
            if (id < 0 || id >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " at position " + (from + i) + " is outside the vocabulary [0, " + cfg.vocabSize() + ")");
            }
            tok[i] = id;
            p[i] = pos0 + i;
        }
        s.ids.uploadAsync(tok, 0, s.stream);
        s.pos.uploadAsync(p, 0, s.stream);
    }

    /** Runs the prompt through the cache (chunked); the last prompt row's hidden state stays in s.x. Returns the last row index. */
    private int prefill(Session s, int[] prompt) {
        int last = 0;
        for (int t0 = 0; t0 < prompt.length; t0 += PREFILL_CHUNK) {
            int t = Math.min(PREFILL_CHUNK, prompt.length - t0);
            setTokens(s, prompt, t0, t, t0);
            forward(s, t, ceil(t0 + t, ATTN_CHUNK), ATTN_CHUNK);
            last = t - 1;
        }
        return last;
    }

    /** One decode step for token {@code id} at {@code position}: graph replay when enabled. */
    private void decodeStep(Session s, int id, int position) {
        setTokens(s, new int[] {id}, 0, 1, position);
        if (!graphs || s.decodeGraph == null) { // no graphs, or capture failed at load: eager launches
            forward(s, 1, ceil(position + 1, DECODE_ATTN_CHUNK), DECODE_ATTN_CHUNK);
            return;
        }
        int rc = JCudaDriver.cuGraphLaunch(s.decodeGraph, s.stream.handle());
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuGraphLaunch(decode step)", rc);
        }
    }

    /** Captures one decode step (all splits of the full context; empty splits exit at once). Null when capture fails. */
    private CUgraphExec capture(Session s) {
        int rc = JCudaDriver.cuStreamBeginCapture(s.stream.handle(), 1 /* CU_STREAM_CAPTURE_MODE_THREAD_LOCAL */);
        if (rc != CUresult.CUDA_SUCCESS) {
            LOG.info("CUDA graph capture unavailable ({}); decoding without graphs", CudaException.class.getSimpleName() + " " + rc);
            return null;
        }
        CUgraph graph = new CUgraph();
        try {
            forward(s, 1, s.maxSplit, DECODE_ATTN_CHUNK);
        } finally {
            rc = JCudaDriver.cuStreamEndCapture(s.stream.handle(), graph);
        }
        if (rc != CUresult.CUDA_SUCCESS) {
            LOG.info("CUDA graph capture failed (CUresult {}); decoding without graphs", rc);
            return null;
        }
        CUgraphExec exec = new CUgraphExec();
        rc = JCudaDriver.cuGraphInstantiate(exec, graph, 0);
        JCudaDriver.cuGraphDestroy(graph);
        if (rc != CUresult.CUDA_SUCCESS) {
            LOG.info("CUDA graph instantiation failed (CUresult {}); decoding without graphs", rc);
            return null;
        }
        return exec;
    }

    private int sample(Session s, int n0, long rowStart0, int nExtra, int extraId, int bannedId, SamplingParams sp, long seed, long step) {
        kSample.launch(s.stream, 1, 1, 1, 1024, 0, KernelArgs.of().ptr(s.logits).i32(n0).i32((int) rowStart0).i32(nExtra).i32(extraId)
                .i32(bannedId).ptr(s.seen).f32(sp.temperature()).f32(sp.topP()).i32(sp.topK()).f32(sp.minP()).f32(sp.repetitionPenalty())
                .i64(seed).i64(step).ptr(s.outId));
        int[] id = new int[1];
        s.outId.downloadAsync(id, 0, 1, s.stream);
        return id[0];
    }

    private Session acquire() {
        ensureOpen();
        try {
            Session s = idle.take();
            device.makeCurrent();
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ai.maya1.Maya1Exception("interrupted while waiting for a free CUDA session", e);
        }
    }

    @Override
    public GenerationResult generate(int[] promptIds, GenerationOptions options, FrameSink sink) {
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("prompt is empty");
        }
        if (promptIds.length >= contextLength) {
            throw new IllegalArgumentException("prompt of " + promptIds.length + " tokens does not fit the context length " + contextLength);
        }
        for (int i = 0; i < promptIds.length; i++) {
            if (promptIds[i] < 0 || promptIds[i] >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + promptIds[i] + " at position " + i + " is outside [0, " + cfg.vocabSize() + ")");
            }
        }
        Session s = acquire();
        long t0 = System.nanoTime();
        long prefillNanos = 0;
        int generated = 0;
        int frames = 0;
        int[] pending = new int[SnacFrame.TOKENS_PER_FRAME];
        int pendingN = 0;
        try {
            s.seen.zeroAsync(s.stream);
            for (int c0 = 0; c0 < promptIds.length; c0 += PREFILL_CHUNK) {
                int t = Math.min(PREFILL_CHUNK, promptIds.length - c0);
                s.ids.uploadAsync(java.util.Arrays.copyOfRange(promptIds, c0, c0 + t), 0, s.stream);
                kMarkSeen.launch(s.stream, ceil(t, 256), 1, 1, 256, 0, KernelArgs.of().ptr(s.seen).ptr(s.ids).i32(t));
            }
            int lastRow = prefill(s, promptIds);
            int position = promptIds.length;
            SamplingParams sp = options.sampling();
            int id = sampleNext(s, lastRow, options, generated, frames, promptIds.length, sp);
            prefillNanos = System.nanoTime() - t0;
            long decodeStart = System.nanoTime();
            FinishReason reason;
            while (true) {
                generated++;
                if (id == CODE_END) { // Maya1's only stop, as in every backend
                    reason = FinishReason.END_OF_SPEECH;
                    break;
                }
                if (FrameConstraint.isCode(id)) {
                    pending[pendingN++] = id; // unconstrained decoding skips non-code tokens, as the reference does
                }
                if (pendingN == SnacFrame.TOKENS_PER_FRAME) {
                    SnacFrame f = SnacFrame.fromCodeTokens(pending);
                    pendingN = 0;
                    if (!sink.onFrame(f, frames++)) {
                        reason = FinishReason.CANCELLED;
                        break;
                    }
                }
                if (generated >= options.maxNewTokens()) {
                    reason = FinishReason.MAX_TOKENS;
                    break;
                }
                if (position + 1 >= contextLength) {
                    reason = FinishReason.CONTEXT_FULL;
                    break;
                }
                if (Thread.currentThread().isInterrupted()) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                if (System.nanoTime() - options.deadlineNanos() > 0 && options.deadlineNanos() != Long.MAX_VALUE) {
                    reason = FinishReason.DEADLINE;
                    break;
                }
                decodeStep(s, id, position++);
                id = sampleNext(s, 0, options, generated, frames, promptIds.length, sp);
            }
            return new GenerationResult(promptIds.length, generated, frames, reason, prefillNanos, System.nanoTime() - decodeStart, null);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            return new GenerationResult(promptIds.length, generated, frames, FinishReason.ERROR, prefillNanos, 0, e);
        } finally {
            idle.add(s);
        }
    }

    /** Computes the allowed head rows for the next token and samples it on the GPU. */
    private int sampleNext(Session s, int row, GenerationOptions o, int generated, int frames, int promptTokens, SamplingParams sp) {
        int slotInFrame = generated % SnacFrame.TOKENS_PER_FRAME;
        boolean endAllowed = generated >= o.minNewTokens();
        if (o.constrained()) {
            if (slotInFrame == 0 && cfg.testModel() && frames >= Math.max(cfg.testMinFrames(), Math.round(cfg.testFramesPerPromptToken() * promptTokens))) {
                head(s, row, 0, 0, CODE_END); // the test model's documented forced end at a frame boundary
                return sample(s, 0, 0, 1, CODE_END, -1, SamplingParams.GREEDY, o.seed(), generated);
            }
            long rowStart = SnacFrame.CODE_TOKEN_OFFSET + (long) slotInFrame * SnacFrame.CODEBOOK_SIZE;
            boolean extra = slotInFrame == 0 && endAllowed;
            head(s, row, rowStart, SnacFrame.CODEBOOK_SIZE, extra ? CODE_END : -1);
            return sample(s, SnacFrame.CODEBOOK_SIZE, rowStart, extra ? 1 : 0, extra ? CODE_END : -1, -1, sp, o.seed(), generated);
        }
        head(s, row, 0, cfg.vocabSize(), -1);
        return sample(s, cfg.vocabSize(), 0, 0, -1, endAllowed ? -1 : CODE_END, sp, o.seed(), generated);
    }

    // ---------------------------------------------------------------------------------------------- diagnostics
    /** Logits of every prompt position (full vocabulary), for parity checks against the golden data. */
    public float[][] allPositionLogits(int[] prompt) {
        Session s = acquire();
        try {
            int v = cfg.vocabSize();
            float[][] out = new float[prompt.length][v];
            try (DeviceBuffer all = device.allocate(4L * PREFILL_CHUNK * v, "all-position logits")) {
                for (int t0 = 0; t0 < prompt.length; t0 += PREFILL_CHUNK) {
                    int t = Math.min(PREFILL_CHUNK, prompt.length - t0);
                    setTokens(s, prompt, t0, t, t0);
                    forward(s, t, ceil(t0 + t, ATTN_CHUNK), ATTN_CHUNK);
                    kNorm.launch(s.stream, t, 1, 1, 256, 0, KernelArgs.of().ptr(s.x).ptr(w.finalNorm).ptr(s.xn).i32(s.d).f32(cfg.rmsNormEps()));
                    linear(s, w.head, s.xn, 0, t, all, 0, v, false, 0, v);
                    s.stream.synchronize();
                    float[] flat = new float[t * v];
                    all.download(flat, 0, flat.length);
                    for (int i = 0; i < t; i++) {
                        System.arraycopy(flat, i * v, out[t0 + i], 0, v);
                    }
                }
            }
            return out;
        } finally {
            idle.add(s);
        }
    }

    /**
     * Greedy continuation over the full vocabulary with the KV cache (no penalty, no constraint); fills
     * {@code stepLogits[i]} (when non-null) with the logits that chose token i.
     */
    public int[] greedy(int[] prompt, int n, float[][] stepLogits) {
        Session s = acquire();
        try {
            s.seen.zeroAsync(s.stream);
            int row = prefill(s, prompt);
            int[] out = new int[n];
            int position = prompt.length;
            for (int i = 0; i < n; i++) {
                head(s, i == 0 ? row : 0, 0, cfg.vocabSize(), -1);
                if (stepLogits != null) {
                    s.stream.synchronize();
                    s.logits.download(stepLogits[i], 0, cfg.vocabSize());
                }
                out[i] = sample(s, cfg.vocabSize(), 0, 0, -1, -1, SamplingParams.GREEDY, 0, i);
                if (i + 1 < n) {
                    decodeStep(s, out[i], position++);
                }
            }
            return out;
        } finally {
            idle.add(s);
        }
    }

    /** Times {@code steps} decode steps (graph or eager) after a prompt of {@code promptLength} dummy tokens; ns per step. */
    public double timeDecodeSteps(int promptLength, int steps) {
        Session s = acquire();
        try {
            int[] prompt = new int[promptLength];
            prefill(s, prompt);
            s.stream.synchronize();
            int position = promptLength;
            decodeStep(s, 0, position++); // warm-up (captures the graph)
            s.stream.synchronize();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                decodeStep(s, 0, position++);
            }
            s.stream.synchronize();
            return (System.nanoTime() - t0) / (double) steps;
        } finally {
            idle.add(s);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("CUDA acoustic model is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.makeCurrent();
        for (Session s : sessions) {
            s.close();
        }
        w.close();
        module.close();
        if (ownsDevice) {
            device.close();
        }
    }
}
