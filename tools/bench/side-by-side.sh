#!/usr/bin/env bash
# maya1-java vs llama.cpp on the same random-weight GGUF files, run alternately (A B A B) in one sitting.
#
#   tools/bench/side-by-side.sh [--only LIST] [--rounds N] [--threads T] [--dir DIR] [--keep]
#
#   LIST     comma-separated subset of: q8_0-3b q4_0-3b q4_k-3b bf16-3b q4_k-1b q5_k-1b q6_k-1b (default: all)
#   N        alternating rounds per engine and work (default 2)
#   T        threads for both engines (default 2)
#   DIR      where the GGUF files go (default /tmp/maya1-side-by-side); they are deleted at the end unless --keep
#
# Work per file: decode (32-token prompt, 64 greedy tokens, full-vocab logits; median ms/token) and prefill of a
# 170-token prompt (one batched call; tok/s). Java: ai.maya1.bench.lm.GgufDecodeSideBySide (one JVM per run,
# round 1 warms the JIT, round 2 is reported); llama.cpp: tools/bench/llamacpp/decode-bench.mjs (node-llama-cpp,
# prebuilt CPU binary). The load average (1 min) is recorded before every run. Last line:
#   decode q8_0 3b ratio X.XX        (Java tok/s / llama.cpp tok/s, medians over the rounds)
#
# Needs: Java 25 (JAVA_HOME or java on PATH), node + npm, python3. Installs what is missing on first use:
# the Python packages gguf + numpy (with "python3 -m pip install --user", or the command in $PIP_INSTALL), and
# node-llama-cpp (version pinned in tools/bench/llamacpp/package.json) into ~/.cache/maya1-java/llamacpp unless
# NODE_PATH points at an install. Builds maya1-bench/target/benchmarks.jar when it is missing (./mvnw package,
# nothing installed into ~/.m2). The 3B files are large (BF16 6.6 GB, Q8_0 3.5 GB): check free disk space first.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ONLY="q8_0-3b,q4_0-3b,q4_k-3b,bf16-3b,q4_k-1b,q5_k-1b,q6_k-1b"
ROUNDS=2
THREADS=2
DIR=/tmp/maya1-side-by-side
KEEP=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --only) ONLY=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "side-by-side: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
DECODE_PROMPT=32
DECODE_GEN=64
PREFILL_PROMPT=170

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
"$JAVA" -version 2>&1 | grep -q 'version "2[5-9]' || { echo "side-by-side: needs Java 25+ (set JAVA_HOME)" >&2; exit 2; }
JAR=$ROOT/maya1-bench/target/benchmarks.jar
if [[ ! -f $JAR ]]; then
  echo "== building $JAR"
  (cd "$ROOT" && ./mvnw -B -ntp -q -pl maya1-bench -am package -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
fi
if ! python3 -c 'import gguf, numpy' 2>/dev/null; then
  echo "== installing the Python packages gguf and numpy"
  ${PIP_INSTALL:-python3 -m pip install --user --quiet} gguf numpy
fi
if [[ -z ${NODE_PATH:-} ]]; then
  NODE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/maya1-java/llamacpp
  VERSION=$(node -p "require('$ROOT/tools/bench/llamacpp/package.json').dependencies['node-llama-cpp']")
  if [[ ! -d $NODE_DIR/node_modules/node-llama-cpp ]]; then
    echo "== installing node-llama-cpp@$VERSION into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && npm install --no-audit --no-fund --prefix . "node-llama-cpp@$VERSION" >/dev/null)
  fi
  export NODE_PATH=$NODE_DIR/node_modules
fi
mkdir -p "$DIR"
[[ $KEEP == 1 ]] || trap 'rm -f "$DIR"/bench-*.gguf' EXIT

load() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }

# run_java FILE PROMPT GEN -> prints "decode_tok_s prefill_tok_s" of the last (warm) round
run_java() {
  local out
  out=$("$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx3g -cp "$JAR" \
    ai.maya1.bench.lm.GgufDecodeSideBySide "$1" "$THREADS" "$2" "$3" 2 2>&1 | grep '^\[java\] round' | tail -1)
  [[ -n $out ]] || { echo "side-by-side: the Java run on $1 printed no round line" >&2; return 1; }
  echo "$out" | sed -E 's/.*= ([0-9.]+) tok\/s$/\1/' | tr '\n' ' '
  echo "$out" | sed -E 's/.*tokens [0-9]+ ms \(([0-9.]+) tok\/s\).*/\1/'
}

# run_llama FILE PROMPT GEN -> prints "decode_tok_s prefill_tok_s"
run_llama() {
  local out dec pre
  out=$(node "$ROOT/tools/bench/llamacpp/decode-bench.mjs" "$1" "$THREADS" "$2" "$3" 2>&1)
  dec=$(echo "$out" | grep -E '^\[llama.cpp\] generate' | sed -E 's/.*= ([0-9.]+) tok\/s$/\1/')
  pre=$(echo "$out" | grep -E '^\[llama.cpp\] threads=' | sed -E 's/.*\(([0-9.]+) tok\/s\)$/\1/')
  [[ -n $dec && -n $pre ]] || { echo "side-by-side: the llama.cpp run on $1 failed:" >&2; echo "$out" | tail -5 >&2; return 1; }
  echo "$dec $pre"
}

ROWS=()
Q8_RATIO=
IFS=',' read -r -a CONFIGS <<< "$ONLY"
for cfg in "${CONFIGS[@]}"; do
  fmt=${cfg%-*}
  shape=${cfg#*-}
  FMT=$(echo "$fmt" | tr '[:lower:]' '[:upper:]')
  file=$DIR/bench-$shape-$fmt.gguf
  if [[ ! -f $file ]]; then
    echo "== writing $file"
    python3 "$ROOT/tools/bench/make_bench_gguf.py" --shape "$shape" --type "$FMT" --out "$file"
  fi
  for work in decode prefill; do
    if [[ $work == decode ]]; then p=$DECODE_PROMPT; g=$DECODE_GEN; else p=$PREFILL_PROMPT; g=2; fi
    J=(); L=(); LOADS=()
    for ((r = 1; r <= ROUNDS; r++)); do
      LOADS+=("$(load)")
      read -r jd jp < <(run_java "$file" "$p" "$g") || true
      LOADS+=("$(load)")
      read -r ld lp < <(run_llama "$file" "$p" "$g") || true
      [[ -n ${jd:-} && -n ${ld:-} ]] || { echo "side-by-side: $cfg $work round $r produced no figures" >&2; exit 1; }
      if [[ $work == decode ]]; then J+=("$jd"); L+=("$ld"); else J+=("$jp"); L+=("$lp"); fi
      echo "   $cfg $work round $r: java ${J[-1]} tok/s, llama.cpp ${L[-1]} tok/s (load ${LOADS[-2]} / ${LOADS[-1]})"
    done
    jm=$(printf '%s\n' "${J[@]}" | median)
    lm=$(printf '%s\n' "${L[@]}" | median)
    ratio=$(awk -v a="$jm" -v b="$lm" 'BEGIN {printf "%.2f", a / b}')
    ROWS+=("| $work | $shape | $FMT | ${J[*]} | ${L[*]} | $jm | $lm | **${ratio}x** | ${LOADS[*]} |")
    [[ $cfg == q8_0-3b && $work == decode ]] && Q8_RATIO=$ratio
  done
done

echo
echo "threads $THREADS, $ROUNDS alternating rounds (Java A, llama.cpp B), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "| work | shape | format | Java tok/s per round | llama.cpp tok/s per round | Java median | llama.cpp median | Java / llama.cpp | load avg before each run |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
if [[ -n $Q8_RATIO ]]; then
  echo "decode q8_0 3b ratio $Q8_RATIO"
fi
