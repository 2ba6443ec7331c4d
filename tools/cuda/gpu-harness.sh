#!/usr/bin/env bash
# One command on a machine with an NVIDIA GPU (driver R535+, sm_80+): builds maya1-cuda and runs the GPU
# harness (golden parity, decode tokens/s vs HBM roofline, TTFA p50/p95, concurrent streams), then the GPU tests.
#   tools/cuda/gpu-harness.sh [--quick]
# The report goes to stdout and maya1-cuda/target/gpu-harness.txt. Needs no nvcc (the kernels are committed).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${JAVA_HOME:-}" ]]; then
  for c in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do [[ -x "$c/bin/java" ]] && export JAVA_HOME="$c" && break; done
fi
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory --format=csv || true
./mvnw -B -ntp -q -pl maya1-cuda -am package dependency:build-classpath -DskipTests -Dmaven.javadoc.skip=true \
  -Dmaven.source.skip=true -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime
GOLDEN=testdata/golden
CP="maya1-cuda/target/classes:$(cat maya1-cuda/target/cp.txt)"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx24g \
  -cp "$CP:$(ls ~/.m2/repository/org/slf4j/slf4j-simple/*/slf4j-simple-*.jar | head -1)" \
  ai.maya1.cuda.harness.GpuHarness --golden "$GOLDEN" "$@" | tee maya1-cuda/target/gpu-harness.txt || true
# the JUnit GPU tests (they skip, with the reason, where no GPU is usable)
./mvnw -B -ntp -pl maya1-cuda -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest='Cuda*ParityTest' | grep -E "Tests run|FAIL|ERROR" || true
