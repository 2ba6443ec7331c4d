#!/usr/bin/env bash
# The GPU parity + benchmark run, through the self-contained device bundle (the GPU machine has no JDK, Maven or
# network): runs target/device-bundle/run.sh with the given arguments (see its --help). Where the bundle is missing
# and a JDK 25 is at hand, builds it first with tools/cuda/device-bundle.sh. See docs/cuda.md for the device command.
#   tools/cuda/gpu-harness.sh [run.sh options, e.g. --steps parity,decode-bf16]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ ! -f target/device-bundle/run.sh ]]; then
  if [[ -x "${JAVA_HOME:-}/bin/jlink" ]] || ls /usr/lib/jvm/*25*/bin/jlink > /dev/null 2>&1; then
    bash tools/cuda/device-bundle.sh
  else
    echo "gpu-harness: no device bundle at target/device-bundle and no JDK 25 to build it: build it with" >&2
    echo "tools/cuda/device-bundle.sh on a machine with a JDK, and carry target/device-bundle (docs/cuda.md)" >&2
    exit 2
  fi
fi
exec bash target/device-bundle/run.sh "$@"
