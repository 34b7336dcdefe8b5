#!/usr/bin/env bash
# Runs jtrace's whole test suite (unit, end-to-end and CLI tests) with JDK 25.
# Extra arguments go to Maven, e.g. ./test.sh -pl format -am
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
if [ -n "${need_mvn_message:-}" ]; then
  echo "$need_mvn_message" >&2
  exit 1
fi
cd "$root"
JAVA_HOME="$JDK" exec mvn -B verify "$@"
