// llama.cpp side of the maya1-java side-by-side decode benchmark (issue 5).
// Install (pinned in package.json; node_modules is git-ignored): cd tools/bench/llamacpp && npm install
//   or outside the repo: mkdir -p /tmp/llamacpp && cd /tmp/llamacpp && npm install node-llama-cpp@3.21.1 (then NODE_PATH=/tmp/llamacpp/node_modules)
// Run:  node tools/bench/llamacpp/decode-bench.mjs FILE.gguf [threads=2] [prompt=64] [gen=64]
// Prebuilt CPU binary only (gpu: false, build: "never", skipDownload: true): nothing is compiled or downloaded.
// Times prompt eval (one batched call) and token generation (one token per step, greedy, full-vocab logits).
import {createRequire} from "node:module";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const local = path.join(path.dirname(fileURLToPath(import.meta.url)), "node_modules");
const modules = process.env.NODE_PATH ?? (fs.existsSync(local) ? local : "/tmp/llamacpp/node_modules");
const require = createRequire(path.join(modules, "x.js"));
const {getLlama, LlamaLogLevel} = await import(require.resolve("node-llama-cpp"));

const [file, threadsArg = "2", promptArg = "64", genArg = "64"] = process.argv.slice(2);
const threads = Number(threadsArg), promptLen = Number(promptArg), gen = Number(genArg);

const llama = await getLlama({gpu: false, build: "never", skipDownload: true, logLevel: LlamaLogLevel.info, logger: (level, msg) => { if (/perf|eval time|load time|total time|sampling/.test(msg)) process.stdout.write(`[llama.cpp log] ${msg.trimEnd()}\n`); }, maxThreads: threads});
console.log(`[llama.cpp] node-llama-cpp ${llama.buildType} build, llama.cpp ${JSON.stringify(llama.llamaCppRelease)}`);
console.log(`[llama.cpp] system_info: ${llama.systemInfo}`);
let t = performance.now();
const model = await llama.loadModel({modelPath: file, gpuLayers: 0, useMmap: true});
console.log(`[llama.cpp] loaded ${path.basename(file)} in ${((performance.now() - t) / 1000).toFixed(1)} s, vocab ${model.tokens.bos ?? ""}`);
const context = await model.createContext({contextSize: promptLen + gen + 16, batchSize: promptLen, threads, flashAttention: false, performanceTracking: true});
const seq = context.getSequence();
const prompt = [];
for (let i = 0; i < promptLen; i++) prompt.push(256 + (i % 14));
t = performance.now();
await seq.evaluateWithoutGeneratingNewTokens(prompt);
const promptMs = performance.now() - t;
let n = 0;
const times = [];
t = performance.now();
let last = t;
for await (const token of seq.evaluate([prompt[0]], {temperature: 0})) {
    const now = performance.now();
    times.push(now - last);
    last = now;
    if (++n >= gen) break;
}
const genMs = last - t;
// first token includes evaluating the extra input token; report steady state from the median too
const sorted = times.slice(1).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`[llama.cpp] threads=${threads} prompt ${promptLen} tokens: ${promptMs.toFixed(0)} ms (${(promptLen * 1000 / promptMs).toFixed(1)} tok/s)`);
console.log(`[llama.cpp] generate ${n} tokens: ${genMs.toFixed(0)} ms, ${(n * 1000 / genMs).toFixed(2)} tok/s mean, median ${median.toFixed(1)} ms/token = ${(1000 / median).toFixed(2)} tok/s`);
await context.printTimings();
await context.dispose();
await model.dispose();
await llama.dispose();
