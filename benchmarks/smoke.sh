#!/usr/bin/env bash
# CI smoke run: every JMH benchmark once (1 fork, no warm-up, one 100 ms iteration), so that benchmarks cannot rot.
# Fails (non-zero exit) if any benchmark throws. The numbers it prints mean nothing. Takes about a minute.
#
#   benchmarks/smoke.sh            # builds benchmarks/target/benchmarks.jar if missing
#   SKIP_BUILD=1 benchmarks/smoke.sh
#
# Extra arguments go to JMH (for example a benchmark regex).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/benchmarks/target/benchmarks.jar"
JAVA=${JAVA:-java}
if [[ -z "${SKIP_BUILD:-}" || ! -f "$JAR" ]]; then
  (cd "$ROOT" && mvn -B -q -pl benchmarks -am -DskipTests package)
fi
# -foe true: stop and exit 1 at the first benchmark that throws (without it JMH would exit 0).
exec "$JAVA" -jar "$JAR" -f 1 -wi 0 -i 1 -r 100ms -foe true "$@"
