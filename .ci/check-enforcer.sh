#!/usr/bin/env bash
# Shows that the maven-enforcer rule of maya1-core bites: a copy of core's pom with a planted native dependency
# (ONNX Runtime) must fail validation with the rule's message, while the real pom passes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/maya1-core"
cp "$root/pom.xml" "$tmp/pom.xml"
sed 's#<dependencies>#<dependencies><dependency><groupId>com.microsoft.onnxruntime</groupId><artifactId>onnxruntime</artifactId><version>1.22.0</version></dependency>#' \
  "$root/maya1-core/pom.xml" > "$tmp/maya1-core/pom.xml"
set +e
out=$(cd "$tmp/maya1-core" && "$root/mvnw" -B -ntp -q -f pom.xml enforcer:enforce@core-no-native-dependencies 2>&1)
rc=$?
set -e
if [[ $rc -eq 0 ]] || ! grep -q "must not depend on native libraries" <<<"$out"; then
  echo "check-enforcer: FAILED: the planted onnxruntime dependency was not rejected (rc=$rc)" >&2
  echo "$out" | tail -20 >&2
  exit 1
fi
echo "check-enforcer: planted violation rejected as expected"
(cd "$root/maya1-core" && "$root/mvnw" -B -ntp -q enforcer:enforce@core-no-native-dependencies)
echo "check-enforcer: maya1-core passes its own rule"
