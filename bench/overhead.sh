#!/usr/bin/env bash
# The overhead suite: builds the agent and the suite, then runs every workload without tracing,
# with jtrace, JFR and async-profiler, interleaved, and writes bench/target/overhead/results.md.
# Options: --quick, --rounds N, --workloads a,b, --configs a,b, … (--help). See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${JAVA_HOME:-}" ]] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
    for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
        if [[ -x "$j/bin/java" ]] && "$j/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
            export JAVA_HOME="$j"
            break
        fi
    done
fi
if [[ " $* " != *" --help "* && " $* " != *" -h "* ]]; then
    mvn -B -q -o -pl overhead -am package -DskipTests >/dev/null 2>&1 \
        || mvn -B -q -pl overhead -am package -DskipTests
fi
exec "$JAVA_HOME/bin/java" -cp "overhead/target/classes:$(cat overhead/target/driver.classpath)" \
    io.jtrace.bench.overhead.OverheadSuite "$@"
