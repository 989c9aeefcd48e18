#!/usr/bin/env bash
# Throughput of a demo app under wrk with heapwatch enabled (sample rate 1.0, default signals), disabled, enabled at
# rate 0.1, enabled at rate 1.0 with the allocation signal only (HEAPWATCH_HEAP_DELTA=false), and disabled again in a
# second JVM (the A/A control).
#
#   benchmarks/load.sh [DEMO_JAR]
#
# DEMO_JAR (argument or environment): the demo to drive. Default: the Spring Boot demo if it has been built, else the
# Jetty demo (examples/jetty-demo/target/heapwatch-jetty-demo.jar). Both read SERVER_PORT, ENABLE_MEMORY_PROFILING,
# MEMORY_PROFILING_SAMPLE_RATE and METRICS_AUTH_USERNAME/PASSWORD.
#
# The configurations run as JVMs started once, then measured in alternation A/B/C/D, A/B/C/D, ... so that
# drift of the machine (other load, thermal, JIT) spreads over all three. Every measurement is preceded by a warm-up.
# The servers share one CPU and wrk gets the other (taskset), when the machine has at least 2.
#
# The order rotates from round to round (ABCD, BCDA, CDAB, ...) so that no configuration always runs first. Each server gets a
# port the OS reports free, and before every measurement the script checks that the process listening on that port is
# the server it started (on a shared machine another program may hold a fixed port and would answer instead).
#
# Before the first round every server gets INITIAL_WARMUP of load, one after the other: a Spring Boot server pinned to
# one shared CPU keeps compiling for more than a minute of load, and without this its throughput climbed about
# fivefold from round 1 to round 4, far more than the 1% under test.
#
# PROFILE=sites measures what the class histogram adds to the evidence (HEAPWATCH_DIAGNOSIS_HISTOGRAM=true also
# records jdk.ObjectAllocationSample, throttled, for the allocation sites of the types that grow): the evidence on with
# the histogram off, on, and off again in a third JVM (the A/A control), on the same allocation-heavy request.
#
# PROFILE=evidence measures the leak diagnosis evidence instead (HEAPWATCH_DIAGNOSIS, the jdk.OldObjectSample
# recording): heapwatch enabled at rate 1.0 with the recording off, on, and off again in a third JVM (the A/A control),
# on an allocation-heavy request (URL_PATH defaults to /api/garbage?mb=1 there: 1 MiB in 8 KiB arrays per request).
#
# Every measurement also records the server's CPU time (user + system, from /proc/PID/stat) per request, and every
# server logs its collections (-Xlog:gc) to $OUT/load-raw/gc-CONFIG.log; the pause distribution of each server over
# the whole run is printed at the end.
#
# Tunables (environment): PROFILE (filter), ROUNDS (5: with 5 configurations, each then runs once in each position), INITIAL_WARMUP
# (90s, per server, once), WARMUP (5s, per measurement), DURATION (15s), WRK_THREADS (2), CONNECTIONS (16),
# URL_PATH (/api/items/42), JAVA (java), DEMO_JAVA_OPTS (-Xms256m -Xmx256m -XX:+UseG1GC),
# OUT (benchmarks/results): writes $OUT/load-results.tsv and the raw wrk outputs under $OUT/load-raw/.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SPRING_JAR="$ROOT/examples/spring-boot-demo/target/heapwatch-spring-boot-demo.jar"
JETTY_JAR="$ROOT/examples/jetty-demo/target/heapwatch-jetty-demo.jar"
DEMO_JAR=${1:-${DEMO_JAR:-}}
if [[ -z "$DEMO_JAR" ]]; then
  if [[ -f "$SPRING_JAR" ]]; then DEMO_JAR=$SPRING_JAR; else DEMO_JAR=$JETTY_JAR; fi
fi
[[ -f "$DEMO_JAR" ]] || { echo "load.sh: demo jar not found: $DEMO_JAR (build it first)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load.sh: wrk is not installed" >&2; exit 2; }

ROUNDS=${ROUNDS:-5}
INITIAL_WARMUP=${INITIAL_WARMUP:-90s}
WARMUP=${WARMUP:-5s}
DURATION=${DURATION:-15s}
WRK_THREADS=${WRK_THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
PROFILE=${PROFILE:-filter}
case "$PROFILE" in
  filter) URL_PATH=${URL_PATH:-/api/items/42} ;;
  evidence|sites) URL_PATH=${URL_PATH:-/api/garbage?mb=1} ;;
  *) echo "load.sh: PROFILE must be filter, evidence or sites, not $PROFILE" >&2; exit 2 ;;
esac
JAVA=${JAVA:-java}
DEMO_JAVA_OPTS=${DEMO_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseG1GC}
OUT=${OUT:-$ROOT/benchmarks/results}
RAW="$OUT/load-raw"
mkdir -p "$RAW"
rm -f "$RAW"/*.txt "$RAW"/gc-*.log

SERVER_PIN=()
WRK_PIN=()
PINNING="none"
if command -v taskset >/dev/null && [[ $(nproc) -ge 2 ]]; then
  SERVER_PIN=(taskset -c 0)
  WRK_PIN=(taskset -c 1)
  PINNING="servers on CPU 0, wrk on CPU 1"
fi

# disabled_control is a second JVM configured exactly like disabled: its ratio to disabled (an A/A comparison) is
# the resolution of the method, what two identical servers differ by on this machine.
if [[ "$PROFILE" == evidence ]]; then
  NAMES=(evidence_off evidence_on evidence_off_control)
  declare -A ENABLE=([evidence_off]=true [evidence_on]=true [evidence_off_control]=true)
  declare -A RATE=([evidence_off]=1.0 [evidence_on]=1.0 [evidence_off_control]=1.0)
  declare -A HEAP_DELTA=([evidence_off]=true [evidence_on]=true [evidence_off_control]=true)
  declare -A DIAGNOSIS=([evidence_off]=false [evidence_on]=true [evidence_off_control]=false)
  declare -A HISTOGRAM=([evidence_off]=false [evidence_on]=false [evidence_off_control]=false)
elif [[ "$PROFILE" == sites ]]; then
  NAMES=(sites_off sites_on sites_off_control)
  declare -A ENABLE=([sites_off]=true [sites_on]=true [sites_off_control]=true)
  declare -A RATE=([sites_off]=1.0 [sites_on]=1.0 [sites_off_control]=1.0)
  declare -A HEAP_DELTA=([sites_off]=true [sites_on]=true [sites_off_control]=true)
  declare -A DIAGNOSIS=([sites_off]=true [sites_on]=true [sites_off_control]=true)
  declare -A HISTOGRAM=([sites_off]=false [sites_on]=true [sites_off_control]=false)
else
  NAMES=(enabled disabled rate_0.1 allocation_only disabled_control)
  declare -A ENABLE=([enabled]=true [disabled]=false [rate_0.1]=true [allocation_only]=true [disabled_control]=false)
  declare -A RATE=([enabled]=1.0 [disabled]=1.0 [rate_0.1]=0.1 [allocation_only]=1.0 [disabled_control]=1.0)
  declare -A HEAP_DELTA=([enabled]=true [disabled]=true [rate_0.1]=true [allocation_only]=false [disabled_control]=true)
  declare -A DIAGNOSIS=([enabled]=false [disabled]=false [rate_0.1]=false [allocation_only]=false [disabled_control]=false)
  declare -A HISTOGRAM=([enabled]=false [disabled]=false [rate_0.1]=false [allocation_only]=false [disabled_control]=false)
fi
declare -A PORT PID

cleanup() {
  for n in "${NAMES[@]}"; do
    if [[ -n "${PID[$n]:-}" ]] && kill -0 "${PID[$n]}" 2>/dev/null; then
      kill "${PID[$n]}" 2>/dev/null || true
      wait "${PID[$n]}" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Fails unless the process listening on the configuration's port is the server this script started.
check_server() {
  local n=$1
  kill -0 "${PID[$n]}" 2>/dev/null || { echo "load.sh: the $n server died; see $RAW/server-$n.log" >&2; exit 1; }
  if ! grep -q "pid=${PID[$n]}," <<<"$(ss -ltnpH "sport = :${PORT[$n]}" 2>/dev/null)"; then
    echo "load.sh: port ${PORT[$n]} is not served by the $n server (pid ${PID[$n]}):" >&2
    ss -ltnp "sport = :${PORT[$n]}" >&2 || true
    exit 1
  fi
}

for n in "${NAMES[@]}"; do
  PORT[$n]=$(free_port)
  # shellcheck disable=SC2086
  env SERVER_PORT="${PORT[$n]}" SERVER_ADDRESS=127.0.0.1 \
      ENABLE_MEMORY_PROFILING="${ENABLE[$n]}" MEMORY_PROFILING_SAMPLE_RATE="${RATE[$n]}" \
      HEAPWATCH_HEAP_DELTA="${HEAP_DELTA[$n]}" HEAPWATCH_DIAGNOSIS="${DIAGNOSIS[$n]}" \
      HEAPWATCH_DIAGNOSIS_HISTOGRAM="${HISTOGRAM[$n]}" \
      METRICS_AUTH_USERNAME=prometheus METRICS_AUTH_PASSWORD=load-test CONTAINER_NAME="load-$n" \
      "${SERVER_PIN[@]}" "$JAVA" $DEMO_JAVA_OPTS "-Xlog:gc:file=$RAW/gc-$n.log" -jar "$DEMO_JAR" \
      > "$RAW/server-$n.log" 2>&1 &
  PID[$n]=$!
done

for n in "${NAMES[@]}"; do
  url="http://127.0.0.1:${PORT[$n]}$URL_PATH"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then break; fi
    kill -0 "${PID[$n]}" 2>/dev/null || { echo "load.sh: $n server died; see $RAW/server-$n.log" >&2; exit 1; }
    sleep 0.5
  done
  curl -fsS -o /dev/null "$url" || { echo "load.sh: $n server does not answer $url" >&2; exit 1; }
  check_server "$n"
done

to_ms() { # wrk latency value (e.g. 512.00us, 1.23ms, 2.00s) -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.4f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.4f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.4f", v * 60000 }
    else { sub(/s$/, "", v); printf "%.4f", v * 1000 } }'
}

# CPU time (user + system) the process has used, in clock ticks: fields 14 and 15 of /proc/PID/stat, counted after
# the command name, which is in parentheses and may hold spaces.
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
CLK_TCK=$(getconf CLK_TCK)

TSV="$OUT/load-results.tsv"
[[ "$PROFILE" != filter ]] && TSV="$OUT/load-results-$PROFILE.tsv"
{
  echo "# profile=$PROFILE demo_jar=$(basename "$DEMO_JAR") rounds=$ROUNDS order=rotating initial_warmup=$INITIAL_WARMUP warmup=$WARMUP duration=$DURATION wrk=-t$WRK_THREADS/-c$CONNECTIONS path=$URL_PATH pinning=$PINNING java_opts=$DEMO_JAVA_OPTS"
  printf 'round\tconfig\trequests_per_second\tp50_ms\tp99_ms\ttimeouts\tserver_cpu_us_per_request\n'
} > "$TSV"

for n in "${NAMES[@]}"; do
  echo "load.sh: initial warm-up of $n for $INITIAL_WARMUP"
  "${WRK_PIN[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$INITIAL_WARMUP" "http://127.0.0.1:${PORT[$n]}$URL_PATH" > /dev/null
  check_server "$n"
done

echo "load.sh: $(basename "$DEMO_JAR"), $ROUNDS rounds of ${NAMES[*]} (order rotating), $DURATION each after $WARMUP warm-up; pinning: $PINNING"
for round in $(seq 1 "$ROUNDS"); do
  for k in "${!NAMES[@]}"; do
    n=${NAMES[$(( (round - 1 + k) % ${#NAMES[@]} ))]}
    url="http://127.0.0.1:${PORT[$n]}$URL_PATH"
    check_server "$n"
    "${WRK_PIN[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$url" > /dev/null
    raw="$RAW/round$round-$n.txt"
    cpu_before=$(cpu_ticks "${PID[$n]}")
    "${WRK_PIN[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" > "$raw"
    cpu_after=$(cpu_ticks "${PID[$n]}")
    # A wrong answer or a refused connection invalidates the run; a timeout (a request slower than wrk's 2 s, which a
    # stall of this shared machine can cause) is recorded with the round instead.
    if grep -q 'Non-2xx' "$raw" || grep -Eq 'Socket errors: connect [1-9]|read [1-9]|write [1-9]' "$raw"; then
      echo "load.sh: errors during $n round $round:" >&2
      cat "$raw" >&2
      exit 1
    fi
    timeouts=$(awk '/Socket errors:/ {print $NF; found = 1} END {if (!found) print 0}' "$raw")
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$raw")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$raw")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$raw")")
    requests=$(awk '/requests in/ {print $1}' "$raw")
    cpu_us=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$CLK_TCK" -v r="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / r}')
    check_server "$n"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$n" "$rps" "$p50" "$p99" "$timeouts" "$cpu_us" >> "$TSV"
    printf 'round %s %-20s %10s req/s  p50 %8s ms  p99 %8s ms  timeouts %s  server CPU %8s us/request\n' \
      "$round" "$n" "$rps" "$p50" "$p99" "$timeouts" "$cpu_us"
  done
done
echo "load.sh: wrote $TSV"
# GC pauses of each server over the whole run (warm-ups included; every server got the same schedule of load).
for n in "${NAMES[@]}"; do
  awk '/Pause/ && $NF ~ /ms$/ {print $NF}' "$RAW/gc-$n.log" \
    | sed 's/ms$//' | sort -g | awk -v n="$n" '{v[NR] = $1} END {
        if (NR == 0) { printf "gc pauses %-20s none\n", n; exit }
        i50 = int((NR + 1) * 0.50); if (i50 < 1) i50 = 1
        i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
        printf "gc pauses %-20s %5d pauses  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", n, NR, v[i50], v[i99], v[NR] }'
done
