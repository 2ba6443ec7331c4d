#!/usr/bin/env bash
# maya1-cuda device bundle: runs on a bare GPU machine (NVIDIA driver only: no JDK, no Maven, no network) with the
# Java runtime, jars and golden data of this folder, built by tools/cuda/device-bundle.sh. Steps, each under its
# own time limit (`timeout`), all under one overall budget:
#   nvidia-smi     the card and driver
#   parity         golden parity of every kernel (SNAC and Llama golden data; GpuHarness --step parity)
#   gpu-tests      the JUnit GPU tests of maya1-cuda (CudaSnacParityTest, CudaLlamaParityTest), console launcher
#   decode-bf16    decode tokens/s at batch 1 vs the HBM roofline + prefill of 170 tokens, random Maya1 3.3 B, BF16
#   decode-q8_0    the same with Q8_0 weights
#   ttfa-streams   time to first audio p50/p95 over 20 requests; concurrent real-time streams
#   snac-speed     SNAC 24 kHz decode speed (offline batch 1 and 8, streaming per frame)
# Writes one report, report.txt + report.json (and each step's log), under $OUT (./out when OUT is unset).
#
#   bash run.sh [--steps a,b,...] [--budget SECONDS] [--out DIR] [--libcuda DIR] [--smoke]
#
#   --steps     run only these steps (default: all, in the order above)
#   --budget    overall time limit in seconds (default 300); a step gets min(its own limit, what is left - 15 s)
#   --libcuda   put DIR first on the loader path: a stand-in libcuda.so.1 (the CPU emulator of tools/cuda/emulator,
#               a development aid: its results are never GPU results, and the report says EMULATED)
#   --smoke     tiny shapes, the first golden case only, two JUnit classes' cheap tests, 10x time limits: for the
#               CPU emulator, to prove the bundle runs end to end; its figures mean nothing
# Exit status: 0 when every step passed, 1 otherwise.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR=${OUT:-./out}
STEPS_ALL="nvidia-smi parity gpu-tests decode-bf16 decode-q8_0 ttfa-streams snac-speed"
STEPS=$STEPS_ALL
BUDGET=""
STANDIN=""
SMOKE=0

die() { echo "run.sh: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) [[ $# -ge 2 ]] || die "--steps needs a value"; STEPS=${2//,/ }; shift 2 ;;
    --budget) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || die "--budget needs a number of seconds"; BUDGET=$2; shift 2 ;;
    --out) [[ $# -ge 2 ]] || die "--out needs a folder"; OUT_DIR=$2; shift 2 ;;
    --libcuda) [[ $# -ge 2 ]] || die "--libcuda needs a folder holding libcuda.so.1"; STANDIN=$2; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
for s in $STEPS; do [[ " $STEPS_ALL " == *" $s "* ]] || die "unknown step '$s' (steps: $STEPS_ALL)"; done

# per-step time limits in seconds on a GPU (--smoke: x10 for the CPU emulator)
declare -A LIMIT=([nvidia-smi]=20 [parity]=60 [gpu-tests]=90 [decode-bf16]=60 [decode-q8_0]=75 [ttfa-streams]=100 [snac-speed]=40)
SCALE=1
if [[ $SMOKE == 1 ]]; then SCALE=10; fi
BUDGET=${BUDGET:-$((300 * SCALE))}

# the bundled Java runtime (jlink image, xz-packed): unpacked once into a cache folder outside the bundle, so that
# the carried folder stays small and a rerun on the same machine skips the unpacking
TARBALL="$HERE/runtime.tar.xz"
[[ -f "$TARBALL" ]] || die "no bundled Java runtime $TARBALL (build the bundle with tools/cuda/device-bundle.sh)"
RT_CACHE="${MAYA1_RUNTIME_CACHE:-${TMPDIR:-/tmp}/maya1-device-runtime-$(cksum < "$TARBALL" | cut -d' ' -f1)}"
JAVA="$RT_CACHE/runtime/bin/java"
if [[ ! -x "$JAVA" ]]; then
  rm -rf "$RT_CACHE.part" && mkdir -p "$RT_CACHE.part" || die "cannot create $RT_CACHE.part"
  if ! tar -xJf "$TARBALL" -C "$RT_CACHE.part" 2> /dev/null; then
    # no xz program: Python's tarfile reads xz (the GPU machine has Python)
    rm -rf "$RT_CACHE.part" && mkdir -p "$RT_CACHE.part"
    python3 -c 'import sys, tarfile
t = tarfile.open(sys.argv[1], "r:xz")
t.extractall(sys.argv[2], **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))' "$TARBALL" "$RT_CACHE.part" \
      || die "cannot unpack $TARBALL (neither tar with xz nor python3 worked)"
  fi
  rm -rf "$RT_CACHE" && mv "$RT_CACHE.part" "$RT_CACHE"
fi
[[ -x "$JAVA" ]] || die "the bundled runtime has no $JAVA"
if [[ -n "$STANDIN" ]]; then
  [[ -f "$STANDIN/libcuda.so.1" ]] || die "--libcuda $STANDIN: no libcuda.so.1 there"
  STANDIN=$(cd "$STANDIN" && pwd)
  export LD_LIBRARY_PATH="$STANDIN${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
mkdir -p "$OUT_DIR/steps" || die "cannot create $OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
TXT="$OUT_DIR/report.txt"
JSON="$OUT_DIR/report.json"
: > "$TXT"

CP="$HERE/lib/*"
JVM=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -XX:+UseParallelGC -Xmx24g
     -Dmaya1.golden.dir="$HERE/golden" -Dorg.slf4j.simpleLogger.defaultLogLevel=info)
HARNESS_OPTS=(--golden "$HERE/golden")
if [[ $SMOKE == 1 ]]; then HARNESS_OPTS+=(--shape small --quick); fi

say() { echo "$*" | tee -a "$TXT"; }
jstr() { # a JSON string literal
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/ }
  s=$(printf '%s' "$s" | tr -d '\000-\037')
  printf '"%s"' "$s"
}

START=$(date +%s)
say "# maya1-cuda device run"
say "bundle: $(cat "$HERE/bundle.txt" 2>/dev/null | head -1)"
say "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(hostname 2>/dev/null || echo '?'); budget ${BUDGET} s; steps: $STEPS"
if [[ -n "$STANDIN" ]]; then
  say "EMULATED: libcuda.so.1 is the stand-in at $STANDIN (the CPU emulator is a development aid:"
  say "          nothing below is a GPU result, and its speed figures mean nothing)"
fi
if [[ $SMOKE == 1 ]]; then say "SMOKE: tiny shapes, first golden case only, a subset of the JUnit tests (--smoke)"; fi
"$JAVA" -version 2>&1 | head -1 | sed 's/^/java: /' | tee -a "$TXT"

STEP_JSON=()
FAILED=0
run_step() { # name, command...
  local name=$1; shift
  local now left limit rc status t0 secs log="$OUT_DIR/steps/$name.log"
  now=$(date +%s); left=$((BUDGET - (now - START) - 15))
  limit=$((LIMIT[$name] * SCALE)); ((limit > left)) && limit=$left
  say ""
  if ((limit < 5)); then
    say "== $name: NOT RUN (overall budget of ${BUDGET} s spent)"
    STEP_JSON+=("{\"name\":$(jstr "$name"),\"status\":\"not-run-budget\",\"limitSeconds\":0}")
    FAILED=1
    return
  fi
  say "== $name (limit ${limit} s)"
  t0=$(date +%s)
  rm -f "$OUT_DIR/steps/$name.json" "$log"
  # in the background, so that a TERM/INT to run.sh (an outer time limit) is handled at once: see on_signal
  timeout --kill-after=5 "$limit" "$@" > "$log" 2>&1 &
  STEP_PID=$!
  CURRENT_STEP=$name
  wait "$STEP_PID"
  rc=$?
  STEP_PID=""
  CURRENT_STEP=""
  secs=$(($(date +%s) - t0))
  case "$name:$rc" in
    *:0) status=pass ;;
    *:124|*:137) status=timeout ;;
    nvidia-smi:127) status=absent ;;
    gpu-tests:1) status=fail ;;
    gpu-tests:2) status=no-tests ;;
    *:1) status=fail ;;
    *:2) status=no-gpu ;;
    *) status=error ;;
  esac
  if [[ $status != pass && ! ($name == nvidia-smi && -n "$STANDIN") ]]; then FAILED=1; fi
  cat "$log" >> "$TXT"
  tail -n 60 "$log"
  say "-- $name: $status (exit $rc, ${secs} s of ${limit} s)"
  local extra=""
  if [[ -s "$OUT_DIR/steps/$name.json" ]]; then extra=",\"result\":$(cat "$OUT_DIR/steps/$name.json")"; fi
  if [[ $name == gpu-tests ]]; then extra=",\"summary\":$(junit_summary "$log")"; fi
  if [[ $name == nvidia-smi ]]; then
    extra=",\"gpus\":$(jstr "$(grep -A20 '^name, driver_version' "$log" | sed -n '2,20p')")"
  fi
  STEP_JSON+=("{\"name\":$(jstr "$name"),\"status\":\"$status\",\"exitCode\":$rc,\"seconds\":$secs,\"limitSeconds\":$limit,\"log\":$(jstr "steps/$name.log")$extra}")
}

junit_summary() { # the console launcher's summary table as JSON numbers
  local log=$1 k n out="{"
  for k in "containers found" "containers skipped" "containers failed" "tests found" "tests skipped" "tests successful" "tests aborted" "tests failed"; do
    n=$(grep -E "^\[ *[0-9]+ $k *\]" "$log" | tail -1 | sed -E 's/^\[ *([0-9]+) .*/\1/')
    out+="$(jstr "$k"):${n:-null},"
  done
  printf '%s' "${out%,}}"
}

write_report() {
  ELAPSED=$(($(date +%s) - START))
  say ""
  say "RESULT: $([[ $FAILED == 0 ]] && echo 'every step passed' || echo 'SOME STEPS DID NOT PASS (see above)') in ${ELAPSED} s$([[ -n "$STANDIN" ]] && echo ' (EMULATED: no GPU result)')"
  {
    printf '{"report":"maya1-cuda device run","date":%s,"emulated":%s,"standIn":%s,"smoke":%s,"budgetSeconds":%s,"elapsedSeconds":%s,"passed":%s,\n' \
      "$(jstr "$(date -u +%Y-%m-%dT%H:%M:%SZ)")" "$([[ -n "$STANDIN" ]] && echo true || echo false)" \
      "$([[ -n "$STANDIN" ]] && jstr "$STANDIN" || echo null)" "$([[ $SMOKE == 1 ]] && echo true || echo false)" \
      "$BUDGET" "$ELAPSED" "$([[ $FAILED == 0 ]] && echo true || echo false)"
    printf '"bundle":%s,\n"steps":[\n' "$(cat "$HERE/bundle.json" 2>/dev/null || echo null)"
    for i in "${!STEP_JSON[@]}"; do
      printf '%s%s\n' "${STEP_JSON[$i]}" "$([[ $i -lt $((${#STEP_JSON[@]} - 1)) ]] && echo ,)"
    done
    printf ']}\n'
  } > "$JSON"
}

# an outer time limit (or ^C) ends the running step and still writes the report
STEP_PID=""
CURRENT_STEP=""
on_signal() {
  if [[ -n "$STEP_PID" ]]; then kill -TERM "$STEP_PID" 2> /dev/null; wait "$STEP_PID" 2> /dev/null; fi
  local extra=""
  if [[ -n "$CURRENT_STEP" && -f "$OUT_DIR/steps/$CURRENT_STEP.log" ]]; then cat "$OUT_DIR/steps/$CURRENT_STEP.log" >> "$TXT"; fi
  if [[ -n "$CURRENT_STEP" && -s "$OUT_DIR/steps/$CURRENT_STEP.json" ]]; then extra=",\"result\":$(cat "$OUT_DIR/steps/$CURRENT_STEP.json")"; fi
  say "-- ${CURRENT_STEP:-run}: KILLED by a signal to run.sh (an outer time limit?)"
  STEP_JSON+=("{\"name\":$(jstr "${CURRENT_STEP:-run}"),\"status\":\"killed\"$extra}")
  FAILED=1
  write_report
  echo "report: $TXT and $JSON"
  exit 1
}
trap on_signal TERM INT

SELECT=(--select-class ai.maya1.cuda.snac.CudaSnacParityTest --select-class ai.maya1.cuda.llama.CudaLlamaParityTest)
if [[ $SMOKE == 1 ]]; then
  SELECT=(--select-method 'ai.maya1.cuda.snac.CudaSnacParityTest#gpuNoiseGeneratorMatchesTheJavaFormula'
          --select-method 'ai.maya1.cuda.snac.CudaSnacParityTest#explicitNoiseMatchesGoldenNoiseCase'
          --select-method 'ai.maya1.cuda.llama.CudaLlamaParityTest#q8WeightsStayCloseAndCloseTwiceIsSafe')
fi
for s in $STEPS; do
  case $s in
    nvidia-smi)
      run_step nvidia-smi bash -c 'nvidia-smi || exit $?; echo
        nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory,power.limit --format=csv' ;;
    gpu-tests)
      run_step gpu-tests "$JAVA" "${JVM[@]}" -jar "$HERE/test/junit-platform-console-standalone.jar" execute --disable-banner --disable-ansi-colors \
        --details=tree --fail-if-no-tests --class-path "$HERE/test/maya1-cuda-tests.jar:$(printf '%s:' "$HERE"/lib/*.jar)" \
        --reports-dir "$OUT_DIR/junit" "${SELECT[@]}" ;;
    *)
      run_step "$s" "$JAVA" "${JVM[@]}" -cp "$CP" ai.maya1.cuda.harness.GpuHarness "${HARNESS_OPTS[@]}" --step "$s" \
        --json "$OUT_DIR/steps/$s.json" ;;
  esac
done

write_report
echo "report: $TXT and $JSON"
exit $FAILED
