#!/usr/bin/env bash
# The maya1 launcher rebuilds the CLI when a source or a pom is newer than the jar, and never for build outputs (a
# full './mvnw verify' leaves generated sources under target/ newer than the jar). Checked on a throw-away tree with
# a stand-in JDK and mvnw, so it takes a second and builds nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
root="$t/root"
mkdir -p "$root/examples/target" "$root/examples/src/main/java" "$root/maya1-core/src/main/java" \
  "$root/maya1-core/target/generated-sources/annotations" "$root/maya1-core/src/test/java" "$t/jdk/bin"
cp "$here/maya1" "$root/maya1"
cat > "$t/jdk/bin/java" <<'JAVA'
#!/usr/bin/env bash
# stand-in JDK 25: answers the launcher's version probe; otherwise says it ran
if [[ "$*" == *XshowSettings* ]]; then echo "    java.specification.version = 25" >&2; exit 0; fi
echo "ran"
JAVA
cp "$t/jdk/bin/java" "$t/jdk/bin/javac"
cat > "$root/mvnw" <<'MVNW'
#!/usr/bin/env bash
# stand-in build: counts builds and writes the jar
d="$(cd "$(dirname "$0")" && pwd)"
echo build >> "$d/builds.log"
touch "$d/examples/target/maya1-examples-0-cli.jar"
MVNW
chmod +x "$t/jdk/bin/java" "$t/jdk/bin/javac" "$root/mvnw" "$root/maya1"
touch -d '3 hours ago' "$root/maya1-core/src/main/java/A.java" "$root/examples/src/main/java/B.java"
printf '<project/>\n' > "$root/pom.xml"
touch -d '3 hours ago' "$root/pom.xml"

builds() { if [[ -f "$root/builds.log" ]]; then wc -l < "$root/builds.log"; else echo 0; fi; }
run() { JAVA_HOME="$t/jdk" "$root/maya1" --version >/dev/null 2>&1; }
fail() { echo "check-launcher: $*" >&2; exit 1; }

run
[[ "$(builds)" == 1 ]] || fail "no jar: expected one build, saw $(builds)"

touch -d '2 hours ago' "$root/examples/target/maya1-examples-0-cli.jar"
touch "$root/maya1-core/target/generated-sources/annotations/Gen.java" "$root/maya1-core/target/classes.lst" \
  "$root/maya1-core/src/test/java/SomeTest.java"
run
[[ "$(builds)" == 1 ]] || fail "generated sources under target/ or a test source made the launcher rebuild"

touch "$root/maya1-core/src/main/java/A.java"
run
[[ "$(builds)" == 2 ]] || fail "a changed main source did not make the launcher rebuild"

touch -d '1 hour ago' "$root/examples/target/maya1-examples-0-cli.jar"
touch -d '2 hours ago' "$root/maya1-core/src/main/java/A.java"
touch "$root/pom.xml"
run
[[ "$(builds)" == 3 ]] || fail "a changed pom.xml did not make the launcher rebuild"
echo "check-launcher: rebuilds for sources and poms only (3 builds as expected)"
