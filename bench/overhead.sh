#!/usr/bin/env bash
# The overhead suite: builds the agent and the suite, then runs every workload without tracing,
# with jtrace, JFR and async-profiler, interleaved in rounds (default 11), and writes
# bench/target/overhead/results.md: CPU per op and throughput against no tracing, medians of the
# per-round ratios with 95 % bootstrap intervals, and the machine's load during the runs.
# --profile instead runs each workload once under jtrace with async-profiler and writes
# profile.md: the tracer's share of the CPU samples and where it enters the tracer.
# Options: --quick, --rounds N, --workloads a,b, --configs a,b, --profile, … (--help). See docs/performance.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
cd "$root"
if [ -n "${need_mvn_message:-}" ]; then
    echo "$need_mvn_message" >&2
    exit 1
fi
JAVA_HOME="$JDK" mvn -B -q -o -pl overhead -am package -DskipTests >/dev/null 2>&1 \
    || JAVA_HOME="$JDK" mvn -B -q -pl overhead -am package -DskipTests
exec "$JDK/bin/java" -cp "overhead/target/classes:$(cat overhead/target/driver.classpath)" \
    io.jtrace.bench.overhead.OverheadSuite "$@"
