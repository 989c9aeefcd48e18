#!/usr/bin/env bash
# Tests validate-metrics-endpoint.sh against a fake heapwatch /metrics server (python3, 127.0.0.1, random port)
# in several modes. Prints PASS/FAIL per assertion; exits 1 if any assertion failed.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script="$here/validate-metrics-endpoint.sh"
tmp="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
failures=0
ok()  { echo "PASS $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

USER_NAME="prometheus"
PASSWORD='s3cr3t-"quoted"\pass'   # quotes and backslash exercise the curl config escaping

cat > "$tmp/server.py" <<'EOF'
import base64, hmac, http.server, sys

mode, user, password, portfile = sys.argv[1:5]
EXPOSITION = """# HELP heapwatch_requests_sampled_total Requests measured by heapwatch
# TYPE heapwatch_requests_sampled_total counter
heapwatch_requests_sampled_total{container="demo",method="GET",uri="/api/items"} 12.0
# HELP heapwatch_heap_used_bytes Heap used
# TYPE heapwatch_heap_used_bytes gauge
heapwatch_heap_used_bytes{container="demo"} 1.2345678E8
# HELP heapwatch_live_heap_after_gc_bytes Long-lived heap after the last GC
# TYPE heapwatch_live_heap_after_gc_bytes gauge
heapwatch_live_heap_after_gc_bytes{container="demo"} 4.5E7
# HELP heapwatch_gc_collections_total GC collections, all collectors
# TYPE heapwatch_gc_collections_total counter
heapwatch_gc_collections_total{container="demo"} 17.0
# HELP heapwatch_leak_suspected 1 when heapwatch suspects a leak
# TYPE heapwatch_leak_suspected gauge
heapwatch_leak_suspected{container="demo"} 0.0
"""
if mode == "wrong-names":
    EXPOSITION = EXPOSITION.replace("heapwatch_leak_suspected", "heapwatch_leak_detected")

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, body, extra=()):
        data = body.encode()
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path != "/metrics":
            return self.send(404, "not found\n")
        if mode == "not-configured":
            return self.send(500, "metrics authentication not configured\n")
        if mode == "open":
            return self.send(200, EXPOSITION)
        challenge = [("WWW-Authenticate", 'Basic realm="heapwatch"')]
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return self.send(401, "unauthorized\n", challenge)
        try:
            given = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except Exception:
            return self.send(401, "unauthorized\n", challenge)
        expected = f"{user}:{password}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return self.send(401, "unauthorized\n", challenge)
        return self.send(200, EXPOSITION)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os; os.rename(portfile + ".tmp", portfile)
server.serve_forever()
EOF

start_server() {
  rm -f "$tmp/port"
  python3 "$tmp/server.py" "$1" "$USER_NAME" "$PASSWORD" "$tmp/port" &
  server_pid=$!
  for _ in $(seq 1 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || { bad "fake server ($1) did not start"; return 1; }
  port="$(cat "$tmp/port")"
}
stop_server() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""; }

# run_case MODE EXPECTED_EXIT [PATTERN...]  - patterns are extended regexes that must match output lines
run_case() {
  local mode="$1" expected="$2"; shift 2
  start_server "$mode" || return
  METRICS_AUTH_USERNAME="$USER_NAME" METRICS_AUTH_PASSWORD="$PASSWORD" \
    "$script" "http://127.0.0.1:$port/metrics" > "$tmp/out.$mode" 2>&1
  local rc=$?
  stop_server
  if [ "$rc" -eq "$expected" ]; then ok "[$mode] exit code $rc"; else bad "[$mode] exit code $rc, expected $expected"; sed 's/^/    /' "$tmp/out.$mode"; fi
  local pattern
  for pattern in "$@"; do
    if grep -qE "$pattern" "$tmp/out.$mode"; then ok "[$mode] output has /$pattern/"; else bad "[$mode] output lacks /$pattern/"; fi
  done
  if grep -qF "$PASSWORD" "$tmp/out.$mode" || grep -qF 's3cr3t' "$tmp/out.$mode"; then
    bad "[$mode] password printed"
  else
    ok "[$mode] password not printed"
  fi
}

run_case ok 0 '^PASS no credentials -> 401$' '^PASS no credentials -> WWW-Authenticate: Basic header$' \
  '^PASS wrong credentials -> 401$' '^PASS malformed Authorization header -> 401$' '^PASS right credentials -> 200$' \
  '^PASS promtool check metrics$' '^PASS metric heapwatch_leak_suspected present$' '^RESULT PASS'
if grep -q '^FAIL' "$tmp/out.ok"; then bad "[ok] has FAIL lines"; else ok "[ok] has no FAIL lines"; fi

run_case not-configured 1 '^FAIL no credentials -> expected 401, got 500' '^FAIL wrong credentials -> expected 401, got 500' \
  '^FAIL malformed Authorization header -> expected 401, got 500' '^FAIL right credentials -> expected 200, got 500' \
  '^FAIL promtool check metrics' '^FAIL metric heapwatch_heap_used_bytes missing$' '^RESULT FAIL'

run_case open 1 '^FAIL no credentials -> expected 401, got 200' '^FAIL no credentials -> missing .WWW-Authenticate: Basic. header' \
  '^FAIL wrong credentials -> expected 401, got 200' '^FAIL malformed Authorization header -> expected 401, got 200' \
  '^PASS right credentials -> 200$' '^RESULT FAIL'

run_case wrong-names 1 '^FAIL metric heapwatch_leak_suspected missing$' '^PASS metric heapwatch_heap_used_bytes present$' '^RESULT FAIL'

# password from a file, and no promtool in PATH must be a FAIL, not a skip
printf '%s\n' "$PASSWORD" > "$tmp/pw"
start_server ok && {
  nopath="$tmp/bin"; mkdir -p "$nopath"
  for t in curl cat grep head tr mktemp rm env bash sed; do ln -sf "$(command -v $t)" "$nopath/$t"; done
  PATH="$nopath" METRICS_AUTH_USERNAME="$USER_NAME" METRICS_AUTH_PASSWORD_FILE="$tmp/pw" METRICS_URL="http://127.0.0.1:$port/metrics" \
    "$nopath/bash" "$script" > "$tmp/out.nopromtool" 2>&1
  rc=$?
  stop_server
  if [ "$rc" -eq 1 ] && grep -q '^FAIL promtool check metrics: promtool not found' "$tmp/out.nopromtool" \
     && grep -q '^PASS right credentials -> 200$' "$tmp/out.nopromtool"; then
    ok "[password file, no promtool] right credentials from file and missing promtool is a FAIL"
  else
    bad "[password file, no promtool] rc=$rc"; sed 's/^/    /' "$tmp/out.nopromtool"
  fi
}

# non-loopback http warning (nothing listens there; only the WARN line matters)
CURL_MAX_TIME=1 METRICS_AUTH_USERNAME=u METRICS_AUTH_PASSWORD=p "$script" "http://192.0.2.1:9/metrics" > "$tmp/out.remote" 2>&1
if [ $? -ne 0 ] && grep -q '^WARN plain http to non-loopback host 192.0.2.1' "$tmp/out.remote"; then
  ok "[remote http] warns about plain http and fails"
else
  bad "[remote http] no warning or unexpected success"; sed 's/^/    /' "$tmp/out.remote"
fi

if [ "$failures" -eq 0 ]; then echo "RESULT PASS: test-validate-script.sh"; exit 0; fi
echo "RESULT FAIL: $failures assertion(s) failed"; exit 1
