// A fake libcuda.so.1 for development checks on machines without a GPU: implements the driver-API calls that
// maya1-cuda makes and runs the kernels (snac.cu / llama.cu compiled as host C++) on the CPU, one block at a
// time, the block's threads as cooperative fibers (ucontext) that switch at __syncthreads and warp shuffles.
// It checks indexing, arithmetic, kernel arguments and the Java pipeline logic. It is NOT a GPU test: timing,
// memory coalescing, occupancy, alignment faults and the real PTX/JIT are not exercised.
#include "cuda_emu.h"
#include "emu_registry.h"
#include <ucontext.h>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

dim3 threadIdx, blockIdx, blockDim, gridDim;

namespace {
enum State { RUNNABLE, BLOCK_WAIT, WARP_WAIT, FINISHED };
constexpr size_t STACK = 256 * 1024;
ucontext_t sched;
std::vector<ucontext_t> fib;
std::vector<State> state;
std::vector<char*> stacks;
std::vector<uint64_t> warpbuf;
int cur = 0;
const emu::Kernel* curKernel;
void** curParams;
std::recursive_mutex lock;

void entry() {
    curKernel->invoke(curParams);
    state[cur] = FINISHED;
}

void runBlock(int n) {
    if ((int)fib.size() < n) {
        fib.resize(n);
        state.resize(n);
        warpbuf.resize(n + 32);
        while ((int)stacks.size() < n) stacks.push_back((char*)std::malloc(STACK));
    }
    for (int i = 0; i < n; i++) {
        getcontext(&fib[i]);
        fib[i].uc_stack.ss_sp = stacks[i];
        fib[i].uc_stack.ss_size = STACK;
        fib[i].uc_link = &sched;
        makecontext(&fib[i], entry, 0);
        state[i] = RUNNABLE;
    }
    while (true) {
        for (int i = 0; i < n; i++) {
            if (state[i] == RUNNABLE) {
                cur = i;
                threadIdx = dim3{(unsigned)i, 0, 0};
                swapcontext(&sched, &fib[i]);
            }
        }
        bool live = false, released = false, allBlock = true;
        for (int w = 0; w * 32 < n; w++) {
            bool any = false, allWarp = true;
            for (int l = w * 32; l < n && l < w * 32 + 32; l++) {
                if (state[l] == FINISHED) continue;
                any = true;
                if (state[l] != WARP_WAIT) allWarp = false;
                if (state[l] != BLOCK_WAIT) allBlock = false;
            }
            live |= any;
            if (any && allWarp) {
                for (int l = w * 32; l < n && l < w * 32 + 32; l++) if (state[l] == WARP_WAIT) state[l] = RUNNABLE;
                released = true;
            }
        }
        if (!live) return;
        if (released) continue;
        if (allBlock) {
            for (int i = 0; i < n; i++) if (state[i] == BLOCK_WAIT) state[i] = RUNNABLE;
            continue;
        }
        std::fprintf(stderr, "cuda-emu: deadlock in kernel %s (divergent barrier)\n", curKernel->name);
        std::abort();
    }
}

struct Launch {
    const emu::Kernel* k;
    unsigned g[3], b[3];
    std::vector<std::vector<char>> params;
};

void execute(const Launch& L) {
    std::vector<void*> p;
    for (auto& v : L.params) p.push_back((void*)v.data());
    gridDim = dim3{L.g[0], L.g[1], L.g[2]};
    blockDim = dim3{L.b[0], L.b[1], L.b[2]};
    curKernel = L.k;
    curParams = p.data();
    int n = (int)(L.b[0] * L.b[1] * L.b[2]);
    for (unsigned z = 0; z < L.g[2]; z++)
        for (unsigned y = 0; y < L.g[1]; y++)
            for (unsigned x = 0; x < L.g[0]; x++) {
                blockIdx = dim3{x, y, z};
                runBlock(n);
            }
}

struct Stream { bool capturing = false; std::vector<Launch> recorded; };
struct Graph { std::vector<Launch> launches; };
int dummyCtx, dummyModule;
}  // namespace

namespace emu {
std::map<std::string, Kernel>& registry() {
    static std::map<std::string, Kernel> r;
    return r;
}
}  // namespace emu

void emu_syncthreads() { state[cur] = BLOCK_WAIT; swapcontext(&fib[cur], &sched); }
void emu_warp_sync() { state[cur] = WARP_WAIT; swapcontext(&fib[cur], &sched); }
void emu_warp_put(uint64_t v) { warpbuf[cur] = v; }
uint64_t emu_warp_get(int lane) { return warpbuf[(cur & ~31) | lane]; }

extern "C" {
typedef int CUresult;
typedef unsigned long long CUdeviceptr;
CUresult cuInit(unsigned) { return 0; }
CUresult cuDriverGetVersion(int* v) { *v = 12080; return 0; }
CUresult cuDeviceGetCount(int* n) { *n = 1; return 0; }
CUresult cuDeviceGet(int* d, int o) { *d = o; return o == 0 ? 0 : 101; }
CUresult cuDeviceGetName(char* s, int len, int) { std::snprintf(s, len, "maya1 CPU emulator (not a GPU)"); return 0; }
CUresult cuDeviceTotalMem_v2(size_t* b, int) { *b = 8ULL << 30; return 0; }
CUresult cuDeviceGetAttribute(int* v, int attr, int) {
    switch (attr) {
        case 75: *v = 9; break;        // compute capability major
        case 76: *v = 0; break;        // minor
        case 16: *v = 132; break;      // SMs
        case 36: *v = 2619000; break;  // memory clock kHz
        case 37: *v = 5120; break;     // bus width
        default: *v = 0;
    }
    return 0;
}
CUresult cuDevicePrimaryCtxRetain(void** ctx, int) { *ctx = &dummyCtx; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(int) { return 0; }
CUresult cuCtxSetCurrent(void*) { return 0; }
CUresult cuCtxSynchronize() { return 0; }
CUresult cuMemGetInfo_v2(size_t* f, size_t* t) { *f = 6ULL << 30; *t = 8ULL << 30; return 0; }
CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t n) {
    void* m = std::aligned_alloc(256, (n + 255) / 256 * 256);
    if (!m) return 2;
    std::memset(m, 0xA5, n);  // poison: reading uninitialized device memory shows up
    *p = (CUdeviceptr)m;
    return 0;
}
CUresult cuMemFree_v2(CUdeviceptr p) { std::free((void*)p); return 0; }
CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void* s, size_t n) { std::lock_guard<std::recursive_mutex> g(lock); std::memcpy((void*)d, s, n); return 0; }
CUresult cuMemcpyDtoH_v2(void* d, CUdeviceptr s, size_t n) { std::lock_guard<std::recursive_mutex> g(lock); std::memcpy(d, (void*)s, n); return 0; }
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr d, const void* s, size_t n, void*) { return cuMemcpyHtoD_v2(d, s, n); }
CUresult cuMemcpyDtoHAsync_v2(void* d, CUdeviceptr s, size_t n, void*) { return cuMemcpyDtoH_v2(d, s, n); }
CUresult cuMemsetD8_v2(CUdeviceptr d, unsigned char v, size_t n) { std::lock_guard<std::recursive_mutex> g(lock); std::memset((void*)d, v, n); return 0; }
CUresult cuMemsetD8Async(CUdeviceptr d, unsigned char v, size_t n, void*) { return cuMemsetD8_v2(d, v, n); }
CUresult cuModuleLoadData(void** m, const void*) { *m = &dummyModule; return 0; }
CUresult cuModuleLoadDataEx(void** m, const void*, unsigned, void*, void**) { *m = &dummyModule; return 0; }
CUresult cuModuleUnload(void*) { return 0; }
CUresult cuModuleGetFunction(const void** f, void*, const char* name) {
    auto it = emu::registry().find(name);
    if (it == emu::registry().end()) return 500;  // CUDA_ERROR_NOT_FOUND
    *f = &it->second;
    return 0;
}
CUresult cuStreamCreate(void** s, unsigned) { *s = new Stream(); return 0; }
CUresult cuStreamDestroy_v2(void* s) { delete (Stream*)s; return 0; }
CUresult cuStreamSynchronize(void*) { return 0; }
CUresult cuLaunchKernel(const void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned, void* stream,
                        void** params, void**) {
    std::lock_guard<std::recursive_mutex> g(lock);
    const emu::Kernel* k = (const emu::Kernel*)f;
    if (bx * by * bz > 1024 || by != 1 || bz != 1) return 1;  // CUDA_ERROR_INVALID_VALUE
    Launch L{k, {gx, gy, gz}, {bx, by, bz}, {}};
    for (size_t i = 0; i < k->sizes.size(); i++) {
        std::vector<char> v(k->sizes[i]);
        std::memcpy(v.data(), params[i], k->sizes[i]);
        L.params.push_back(std::move(v));
    }
    Stream* s = (Stream*)stream;
    if (s && s->capturing) {
        s->recorded.push_back(std::move(L));
        return 0;
    }
    execute(L);
    return 0;
}
CUresult cuStreamBeginCapture_v2(void* s, int) { ((Stream*)s)->capturing = true; ((Stream*)s)->recorded.clear(); return 0; }
CUresult cuStreamEndCapture(void* s, void** graph) {
    Graph* g = new Graph();
    g->launches = std::move(((Stream*)s)->recorded);
    ((Stream*)s)->capturing = false;
    *graph = g;
    return 0;
}
CUresult cuGraphInstantiateWithFlags(void** exec, void* graph, unsigned long long) { *exec = new Graph(*(Graph*)graph); return 0; }
CUresult cuGraphDestroy(void* g) { delete (Graph*)g; return 0; }
CUresult cuGraphExecDestroy(void* g) { delete (Graph*)g; return 0; }
CUresult cuGraphLaunch(void* exec, void*) {
    std::lock_guard<std::recursive_mutex> g(lock);
    for (auto& L : ((Graph*)exec)->launches) execute(L);
    return 0;
}
CUresult cuGetErrorName(CUresult, const char** s) { *s = "CUDA_ERROR (emulator)"; return 0; }
CUresult cuGetErrorString(CUresult, const char** s) { *s = "emulator error"; return 0; }
}
