#!/usr/bin/env bash
# Reproduces every performance number in docs/performance.md:
#   1. builds the benchmarks jar and the demo app(s);
#   2. runs all JMH benchmarks with -prof gc -> benchmarks/results/jmh-results.json (+ jmh-output.txt);
#   3. runs the wrk load comparison (benchmarks/load.sh) -> benchmarks/results/load-results.tsv;
#   4. records the environment and regenerates the tables in docs/performance.md (benchmarks/report.py).
#
#   benchmarks/run-all.sh
#
# Environment: JMH_OPTS (default "-f 2 -wi 3 -w 1s -i 5 -r 1s"), JMH_FILTER (benchmark regex, default all),
# SKIP_LOAD=1 to skip step 3, DEMO_JAR and the tunables of load.sh. About 24 minutes on 2 cores.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RESULTS="$ROOT/benchmarks/results"
mkdir -p "$RESULTS"
JAVA=${JAVA:-java}
JMH_OPTS=${JMH_OPTS:--f 2 -wi 3 -w 1s -i 5 -r 1s}
START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

modules="benchmarks,examples/jetty-demo"
if [[ -f examples/spring-boot-demo/pom.xml ]]; then modules="$modules,examples/spring-boot-demo"; fi
echo "run-all: building $modules"
mvn -B -q -pl "$modules" -am -DskipTests package

echo "run-all: JMH $JMH_OPTS -prof gc"
# shellcheck disable=SC2086
"$JAVA" -jar benchmarks/target/benchmarks.jar ${JMH_FILTER:-} $JMH_OPTS -prof gc -foe true \
    -rf json -rff "$RESULTS/jmh-results.json" | tee "$RESULTS/jmh-output.txt"
JMH_END=$(date +%s)

if [[ -z "${SKIP_LOAD:-}" ]]; then
  echo "run-all: load test"
  OUT="$RESULTS" "$ROOT/benchmarks/load.sh" ${DEMO_JAR:+"$DEMO_JAR"}
fi
END=$(date +%s)

gc=$("$JAVA" -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 ~ /^Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC$/ && $4 == "true" {print $2}')
maxheap=$("$JAVA" -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" {printf "%d MiB", $4 / 1048576}')
{
  echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command:     benchmarks/run-all.sh  (JMH: $JMH_OPTS -prof gc)"
  echo "jdk:         $("$JAVA" -version 2>&1 | sed -n 2p)"
  echo "gc:          $gc (JVM default for this machine), default max heap $maxheap"
  echo "machine:     $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
  echo "os:          $(uname -sr)"
  echo "load avg:    $LOAD_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at end (other work shares this machine)"
  echo "run time:    $(( (END - START) / 60 )) min $(( (END - START) % 60 )) s in total, JMH $(( (JMH_END - START) / 60 )) min $(( (JMH_END - START) % 60 )) s including the build"
} > "$RESULTS/environment.txt"
cat "$RESULTS/environment.txt"

python3 "$ROOT/benchmarks/report.py"
echo "run-all: done in $(( END - START )) s"
