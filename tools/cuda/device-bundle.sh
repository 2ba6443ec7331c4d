#!/usr/bin/env bash
# Builds the self-contained GPU device bundle into target/device-bundle/ (ignored by git; the device run carries it
# by name, see docs/cuda.md): a jlink-ed Java 25 runtime with only the modules needed, the jars of maya1-core,
# maya1-cuda and their runtime dependencies (JCuda with only its Linux x86_64 driver-API native), the JUnit console
# launcher with the maya1-cuda GPU test classes, the golden files the checks read, and run.sh. Needs JDK 25 and the
# Maven wrapper here; the bundle needs nothing on the GPU machine but the NVIDIA driver.
#   tools/cuda/device-bundle.sh          # then: bash target/device-bundle/run.sh  (on the GPU machine)
# Ends with tools/cuda/check-bundle-size.sh (bundle + working tree under the device's transfer limit).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUNDLE=$ROOT/target/device-bundle
STAGE=$ROOT/target/device-bundle-stage

if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/jlink" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q '"2[5-9]'; then
  for cand in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
    if [[ -x "$cand/bin/jlink" ]]; then export JAVA_HOME="$cand"; break; fi
  done
fi
[[ -x "${JAVA_HOME:-}/bin/jlink" ]] || { echo "device-bundle: needs a JDK 25 with jlink (set JAVA_HOME)" >&2; exit 1; }
echo "device-bundle: JDK $JAVA_HOME"

rm -rf "$BUNDLE" "$STAGE"
mkdir -p "$BUNDLE"/{lib,test,golden/snac,golden/llama} "$STAGE"

# 1. maya1-core + maya1-cuda jars, test classes, runtime and test dependencies (reactor slice, no install)
MVN=(./mvnw -B -ntp -q -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
"${MVN[@]}" -pl maya1-cuda -am package -DskipTests \
  dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/device-bundle-runtime-cp.txt
tr ':' '\n' < maya1-cuda/target/device-bundle-runtime-cp.txt | while read -r entry || [[ -n "$entry" ]]; do
  [[ -f "$entry" && "$entry" == *.jar ]] || { echo "device-bundle: unexpected runtime classpath entry '$entry'" >&2; exit 1; }
  cp "$entry" "$BUNDLE/lib/"
done
cp maya1-cuda/target/maya1-cuda-*.jar "$BUNDLE/lib/"
rm -f "$BUNDLE"/lib/*-sources.jar "$BUNDLE"/lib/*-javadoc.jar
# the GPU tests and the harness log through SLF4J: the console binding of the same version (test scope in the build)
SLF4J=$(ls "$BUNDLE"/lib/slf4j-api-*.jar | sed -E 's/.*slf4j-api-(.*)\.jar/\1/')
"${MVN[@]}" -pl maya1-cuda dependency:copy -Dartifact="org.slf4j:slf4j-simple:$SLF4J" -DoutputDirectory="$BUNDLE/lib"

# JCuda natives: only the driver-API binding (libcuda.so.1); the runtime/NVRTC/nvPTXCompiler natives are never
# loaded on the device (the nvPTXCompiler one alone is 24 MB)
NATIVES=$(ls "$BUNDLE"/lib/jcuda-natives-*-linux-x86_64.jar)
mkdir -p "$STAGE/natives"
(cd "$STAGE/natives" && "$JAVA_HOME/bin/jar" xf "$NATIVES" && find lib -name '*.so' ! -name 'libJCudaDriver-*' -delete \
  && rm -f "$NATIVES" && "$JAVA_HOME/bin/jar" --create --file "$NATIVES" --manifest META-INF/MANIFEST.MF lib META-INF/maven)
[[ "$("$JAVA_HOME/bin/jar" tf "$NATIVES")" == *lib/libJCudaDriver-*-linux-x86_64.so* ]] || { echo "device-bundle: JCudaDriver native missing" >&2; exit 1; }

# 2. JUnit console launcher (the version of the build's JUnit Platform) + the maya1-cuda test classes
# JUnit 5.x pairs with Platform 1.x (5.14.4 -> 1.14.4); from 6 on both share one version
JUNIT=$(sed -nE 's|.*<junit.version>([^<]+)</junit.version>.*|\1|p' pom.xml | head -1)
PLATFORM=$([[ $JUNIT == 5.* ]] && echo "1.${JUNIT#5.}" || echo "$JUNIT")
"${MVN[@]}" -pl maya1-cuda dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$PLATFORM" \
  -DoutputDirectory="$STAGE/console" -Dmdep.stripVersion=true
cp "$STAGE/console/junit-platform-console-standalone.jar" "$BUNDLE/test/"
"$JAVA_HOME/bin/jar" --create --file "$BUNDLE/test/maya1-cuda-tests.jar" -C maya1-cuda/target/test-classes .

# 3. the golden files the checks read (GpuHarness parity, CudaSnacParityTest, CudaLlamaParityTest), only those
G=testdata/golden
cp $G/snac/{codes.json,config_reduced.json,weights_reduced.safetensors,weights_reduced_legacy_names.safetensors} "$BUNDLE/golden/snac/"
cp $G/snac/{case1_audio.f32,case2_audio.f32,case3_audio.f32,case4_batch2_audio.f32,case2_noise_audio.f32,case2_noise_inputs.safetensors} "$BUNDLE/golden/snac/"
cp $G/llama/{cases.json,config.json,model.safetensors,model-bf16.safetensors} $G/llama/len*_logits.f32 "$BUNDLE/golden/llama/"

# 4. a Java runtime with only the modules the jars need (jdeps), plus the Vector API the kernels' CPU side uses
MODULES=$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --list-deps "$BUNDLE"/lib/*.jar "$BUNDLE"/test/*.jar 2>/dev/null \
  | sed -nE 's/^ +([a-z][a-z0-9.]*)$/\1/p' | paste -sd, -)
[[ $MODULES == *java.base* ]] || { echo "device-bundle: jdeps gave no module list: '$MODULES'" >&2; exit 1; }
# Dropped from what jdeps names: java.desktop (Jackson's optional java.beans annotations support), java.sql (Jackson's
# and the console launcher's optional java.sql type handlers, both looked up reflectively) and java.compiler (Error
# Prone's annotations): none is loaded by the checks, and java.desktop alone is 12 MB. Kept: java.xml (the console
# launcher's XML reports). Added: the Vector API.
MODULES=$(tr ',' '\n' <<< "$MODULES,jdk.incubator.vector" | grep -vxE 'java.desktop|java.sql|java.compiler' | sort -u | paste -sd, -)
echo "device-bundle: runtime modules $MODULES"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=zip-0 \
  --output "$STAGE/runtime" 2>&1 | grep -v 'Using incubator modules' || true
[[ -x "$STAGE/runtime/bin/java" ]] || { echo "device-bundle: jlink failed" >&2; exit 1; }
# the JDK's shared libraries keep their symbol tables (libjvm.so: 29 MB); the dynamic symbols stay
if command -v strip > /dev/null; then find "$STAGE/runtime" -name '*.so' -exec strip --strip-unneeded {} +; fi
JVER=$("$STAGE/runtime/bin/java" -version 2>&1 | head -1)
# xz over the whole uncompressed image: 15 MB, where jlink's zip-6 leaves 45 MB (libjvm.so is not compressed by it);
# run.sh unpacks it once into a cache folder outside the bundle (a few seconds)
(cd "$STAGE" && XZ_OPT='-6 -T0' tar -cJf "$BUNDLE/runtime.tar.xz" runtime)

# 5. run.sh, and what the bundle is (commit, JDK, modules, contents)
cp tools/cuda/bundle/run.sh "$BUNDLE/run.sh"
chmod +x "$BUNDLE/run.sh"
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$([[ -n "$(git status --porcelain -- maya1-core maya1-cuda tools/cuda 2>/dev/null)" ]] && echo "+uncommitted" || true)
echo "maya1-java $COMMIT$DIRTY, built $(date -u +%Y-%m-%dT%H:%M:%SZ), runtime $JVER" > "$BUNDLE/bundle.txt"
(cd "$BUNDLE" && find . -type f ! -path './runtime/*' | sort | while read -r f; do printf '%10d  %s\n' "$(stat -c %s "$f")" "$f"; done) >> "$BUNDLE/bundle.txt"
printf '{"commit":"%s%s","built":"%s","runtime":"%s","modules":"%s"}\n' "$COMMIT" "$DIRTY" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  "${JVER//\"/}" "$MODULES" > "$BUNDLE/bundle.json"

rm -rf "$STAGE" maya1-*/target/device-bundle-runtime-cp.txt
echo "device-bundle: $(du -sh "$BUNDLE" | cut -f1) in $BUNDLE"
du -sh "$BUNDLE"/* | sed 's/^/  /'
bash tools/cuda/check-bundle-size.sh
