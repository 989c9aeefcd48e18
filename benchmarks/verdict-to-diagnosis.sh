#!/usr/bin/env bash
# heapwatch: the time from a leak verdict to its diagnosis, measured end to end in a real JVM.
#
# Each trial starts the Jetty demo (-Xmx256m, default G1 flags) with HEAPWATCH_DIAGNOSIS=true, drives its leaking
# route (64 KiB retained per call), its bounded cache with random keys and a garbage route with curl, and timestamps
# every line the demo logs as it arrives. The latency is the time from the detector's "memory leak confirmed" line
# (logged by the evaluation that reaches the verdict) to the "heapwatch diagnosis ... trigger=verdict" line (logged
# when the diagnosis is done).
# The verdict is hurried, the path after it is not: the detector's window is compressed (HEAPWATCH_LEAK_WINDOW, 90 s
# instead of 30 min) and a collection is requested every GC_EVERY seconds (jcmd GC.run, a live-set point), so that
# the verdict is confirmed within minutes; the diagnosis path (its 2-second poll, the recording's dump and read, the
# ranking) runs at its defaults.
# Not covered: a diagnosis held back by the rate limit (none is taken before the verdict here), and a recording of
# production size (these are minutes old). Other HEAPWATCH_* variables in the environment reach the demo, for example
# HEAPWATCH_DIAGNOSIS_HISTOGRAM=true. Prints one line per trial and the summary; exits non-zero only on a setup
# failure.
#
#   benchmarks/verdict-to-diagnosis.sh              # 5 trials
#   TRIALS=10 benchmarks/verdict-to-diagnosis.sh
#   HEAPWATCH_DIAGNOSIS_HISTOGRAM=true benchmarks/verdict-to-diagnosis.sh
#
# Environment: TRIALS (5), LEAK_CLIENTS (1) each calling the leak at most LEAK_CALLS_PER_SECOND (8) times a second,
# GC_EVERY (20 s; 0 = never), TRIAL_TIMEOUT (600 s), LEAK_WINDOW (90s), PORT (18090),
# DEMO_JAR (the jetty-demo jar), OUT_DIR (a temp dir; the demo logs are kept there).
set -euo pipefail
cd "$(dirname "$0")/.."

TRIALS="${TRIALS:-5}"
LEAK_CALLS_PER_SECOND="${LEAK_CALLS_PER_SECOND:-8}"
LEAK_CLIENTS="${LEAK_CLIENTS:-1}"
GC_EVERY="${GC_EVERY:-20}"
TRIAL_TIMEOUT="${TRIAL_TIMEOUT:-600}"
LEAK_WINDOW="${LEAK_WINDOW:-90s}"
PORT="${PORT:-18090}"
DEMO_JAR="${DEMO_JAR:-examples/jetty-demo/target/heapwatch-jetty-demo.jar}"
[ -f "$DEMO_JAR" ] || {
  echo "verdict-to-diagnosis: $DEMO_JAR not found (build it: mvn -B -ntp -pl examples/jetty-demo -am package -DskipTests)" >&2
  exit 2
}
command -v curl >/dev/null || { echo "verdict-to-diagnosis: curl is not installed" >&2; exit 2; }

OUT_DIR="${OUT_DIR:-$(mktemp -d)}"
mkdir -p "$OUT_DIR"
chmod 700 "$OUT_DIR"
# A random password in a file: never on a command line, never printed.
head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$OUT_DIR/password"
chmod 600 "$OUT_DIR/password"
printf 'user = "probe:%s"\n' "$(cat "$OUT_DIR/password")" > "$OUT_DIR/curl.conf"
chmod 600 "$OUT_DIR/curl.conf"

export SERVER_PORT="$PORT" SERVER_ADDRESS=127.0.0.1 METRICS_AUTH_USERNAME=probe HEAPWATCH_DIAGNOSIS=true
export HEAPWATCH_LEAK_WINDOW="$LEAK_WINDOW"
METRICS_AUTH_PASSWORD="$(cat "$OUT_DIR/password")"
export METRICS_AUTH_PASSWORD

APP_PID=""
LOAD_PIDS=()
stop_trial() {
  for p in "${LOAD_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  LOAD_PIDS=()
  if [ -n "$APP_PID" ]; then
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
  fi
}
trap stop_trial EXIT

# Prints "<epoch seconds with microseconds> <line>" for every line of standard input, as it arrives.
stamp() {
  local line
  while IFS= read -r line; do
    printf '%s %s\n' "$EPOCHREALTIME" "$line"
  done
}

# Calls a route with the given method, sleeping 1/rate seconds between calls, until killed.
drive() {
  local method="$1" path="$2" per_second="$3" pause
  pause=$(awk -v r="$per_second" 'BEGIN { printf "%.3f", 1 / r }')
  while :; do
    curl -s -o /dev/null -X "$method" -K "$OUT_DIR/curl.conf" "http://127.0.0.1:$PORT$path" || true
    sleep "$pause"
  done
}

latencies=()
for trial in $(seq 1 "$TRIALS"); do
  log="$OUT_DIR/trial-$trial.log"
  CONTAINER_NAME="verdict-$trial" java -Xmx256m -XX:+UseG1GC -jar "$DEMO_JAR" > >(stamp > "$log") 2>&1 &
  APP_PID=$!
  ready=""
  for _ in $(seq 1 120); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -K "$OUT_DIR/curl.conf" "http://127.0.0.1:$PORT/metrics")" = 200 ]; then
      ready=yes
      break
    fi
    sleep 0.5
  done
  [ -n "$ready" ] || { echo "verdict-to-diagnosis: the demo did not start (log: $log)" >&2; exit 2; }
  for _ in $(seq 1 "$LEAK_CLIENTS"); do
    drive POST "/api/leak?kb=64" "$LEAK_CALLS_PER_SECOND" & LOAD_PIDS+=($!)
  done
  # a second route that retains: the bounded cache (DEMO_CACHE_ENTRIES, 1,000 by default) fills for the first
  # minutes, then its evicted entries are promoted and die
  drive GET "/api/cache" 10 & LOAD_PIDS+=($!)
  drive GET "/api/garbage?mb=2" 5 & LOAD_PIDS+=($!)
  # A pure leak leaves G1's mixed collections little to reclaim, so their live-set points come late; a collection
  # somebody requested is a live-set point, and one every GC_EVERY seconds lets the verdict be confirmed in minutes.
  if [ "$GC_EVERY" -gt 0 ]; then
    (while sleep "$GC_EVERY"; do jcmd "$APP_PID" GC.run > /dev/null 2>&1 || true; done) & LOAD_PIDS+=($!)
  fi
  start=$EPOCHREALTIME
  outcome="no diagnosis within ${TRIAL_TIMEOUT} s"
  while awk -v s="$start" -v now="$EPOCHREALTIME" -v t="$TRIAL_TIMEOUT" 'BEGIN { exit !(now - s < t) }'; do
    if grep -q 'heapwatch diagnosis id=.* trigger=verdict' "$log"; then
      outcome=""
      break
    fi
    if grep -q 'OutOfMemoryError' "$log"; then
      outcome="out of memory before a diagnosis"
      break
    fi
    sleep 1
  done
  stop_trial
  confirmed=$(grep -m1 'memory leak confirmed' "$log" | cut -d' ' -f1 || true)
  diagnosed=$(grep -m1 'heapwatch diagnosis id=.* trigger=verdict' "$log" | cut -d' ' -f1 || true)
  if [ -z "$outcome" ] && [ -n "$confirmed" ] && [ -n "$diagnosed" ]; then
    line=$(grep -m1 'heapwatch diagnosis id=.* trigger=verdict' "$log")
    took=$(sed -n 's/.*tookMillis=\([0-9]*\).*/\1/p' <<<"$line")
    named=$(sed -n 's/.*\(topType=[^ ]*\) topShare=[^ ]* \(topFrame=[^ ]*\).*/\1 \2/p' <<<"$line")
    latency=$(awk -v a="$confirmed" -v b="$diagnosed" 'BEGIN { printf "%.3f", b - a }')
    since=$(awk -v a="$start" -v b="$confirmed" 'BEGIN { printf "%.0f", b - a }')
    latencies+=("$latency")
    echo "trial $trial: confirmed ${since} s after the load started; diagnosis logged ${latency} s later (the diagnosis took ${took} ms; ${named})"
  else
    echo "trial $trial: ${outcome:-the confirmed line is missing} (log: $log)"
  fi
done

if [ "${#latencies[@]}" -gt 0 ]; then
  printf '%s\n' "${latencies[@]}" | sort -g | awk -v trials="$TRIALS" '
    { v[NR] = $1 }
    END {
      printf "verdict to diagnosis over %d of %d trials: min %.2f s, median %.2f s, max %.2f s\n",
        NR, trials, v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR]
    }'
else
  echo "verdict to diagnosis: no trial reached a diagnosis"
fi
echo "logs: $OUT_DIR"
