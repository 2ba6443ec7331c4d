#!/usr/bin/env bash
# Compiles maya1-cuda's kernels ahead of time into the committed resources (the Maven build never needs nvcc).
#
#   tools/cuda/build-kernels.sh            # regenerate PTX + cubins + kernels.properties
#
# Why PTX ISA 8.0: nvcc 13 writes ".version 9.0", which drivers older than R580 refuse to JIT. The seed runs
# R535 (CUDA 12.2, PTX ISA <= 8.2). The kernels are compiled for the virtual architecture compute_80 and use only
# sm_80 features, so the only thing that ties the PTX to CUDA 13 is the header line. The script lowers it to
# 8.0 and then lets ptxas prove the result sound: ptxas rejects every feature the declared ISA lacks ("Feature X
# requires PTX ISA .version Y or later"); a canary with an ISA-8.3 instruction checks that this enforcement is
# live. The lowered PTX must assemble for sm_80, sm_86, sm_89 and sm_90. CI repeats that check with JCuda's
# bundled nvPTXCompiler (CUDA 12.6) in PtxCompileTest.
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=maya1-cuda/src/main/cuda
OUT=maya1-cuda/src/main/resources/ai/maya1/cuda/kernels
NVCC=${NVCC:-nvcc}
PTXAS=${PTXAS:-$(dirname "$(command -v "$NVCC")")/ptxas}
ISA=8.0
VIRTUAL=compute_80
CHECK_ARCHS="sm_80 sm_86 sm_89 sm_90"
CUBIN_ARCHS="sm_80 sm_90"
MODULES="snac llama"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$OUT"

# canary: ptxas must refuse an ISA-8.3 feature under .version 8.0, else the soundness argument does not hold
cat > "$tmp/canary.ptx" <<'PTX'
.version 8.0
.target sm_80
.address_size 64
.visible .entry canary(.param .u64 p)
{
  .reg .b64 %rd<2>;
  .reg .b128 %q<2>;
  ld.param.u64 %rd1, [p];
  ld.global.b128 %q1, [%rd1];
  st.global.b128 [%rd1+16], %q1;
  ret;
}
PTX
if "$PTXAS" -arch=sm_80 "$tmp/canary.ptx" -o /dev/null 2>/dev/null; then
  echo "ptxas accepted an ISA 8.3 instruction under .version 8.0: cannot verify the ISA downgrade" >&2; exit 1
fi

for m in $MODULES; do
  "$NVCC" -arch=$VIRTUAL --ptx -O3 -std=c++17 -I "$SRC" -o "$tmp/$m.ptx" "$SRC/$m.cu"
  n=$(grep -c '^\.version ' "$tmp/$m.ptx")
  [[ $n == 1 ]] || { echo "$m.ptx: expected one .version line, found $n" >&2; exit 1; }
  # keep the compiler banner (provenance); drop nothing else
  sed -E "s/^\.version [0-9]+\.[0-9]+\$/.version $ISA/" "$tmp/$m.ptx" > "$OUT/$m.ptx"
  grep -q "^\.target sm_80\$" "$OUT/$m.ptx" || { echo "$m.ptx: unexpected .target" >&2; exit 1; }
  for a in $CHECK_ARCHS; do
    "$PTXAS" -arch=$a -O3 "$OUT/$m.ptx" -o "$tmp/$m.$a.cubin"
  done
  for a in $CUBIN_ARCHS; do cp "$tmp/$m.$a.cubin" "$OUT/$m.$a.cubin"; done
done

# reproducibility: a hash of the sources (name NUL content NUL, sorted by name) and the compiler version
src_hash=$(cd "$SRC" && for f in $(ls | LC_ALL=C sort); do printf '%s\0' "$f"; cat "$f"; printf '\0'; done | sha256sum | cut -d' ' -f1)
nvcc_version=$("$NVCC" --version | grep -E '^Cuda compilation tools' | head -1)
{
  echo "# written by tools/cuda/build-kernels.sh; checked by KernelManifestTest (do not edit by hand)"
  echo "sources.sha256=$src_hash"
  echo "compiler=$nvcc_version"
  echo "ptx.isa=$ISA"
  echo "ptx.target=sm_80"
  echo "ptx.virtualArch=$VIRTUAL"
  echo "modules=$(echo $MODULES | tr ' ' ',')"
  echo "cubins=$(echo $CUBIN_ARCHS | tr ' ' ',')"
  echo "verified.archs=$(echo $CHECK_ARCHS | tr ' ' ',')"
} > "$OUT/kernels.properties"
cat "$OUT/kernels.properties"
ls -la "$OUT"
