#!/usr/bin/env bash
# Validates a deployed heapwatch /metrics endpoint: authentication contract, exposition format and metric names.
#
# Usage:
#   validate-metrics-endpoint.sh [URL]
# Environment (arguments win over environment):
#   METRICS_URL                  e.g. http://127.0.0.1:8080/metrics
#   METRICS_AUTH_USERNAME        scrape username
#   METRICS_AUTH_PASSWORD        scrape password, or
#   METRICS_AUTH_PASSWORD_FILE   a file holding it (e.g. a mounted Secret); used if METRICS_AUTH_PASSWORD is unset
#   CURL_MAX_TIME                per-request timeout in seconds (default 10)
#
# Every check prints PASS/FAIL (WARN for advice); the script never stops at the first failure and exits 1 if any
# check failed, 2 on usage errors. The password is never printed and never put on a command line: curl reads it
# from a config on stdin.
set -u
umask 077

url="${1:-${METRICS_URL:-}}"
user="${METRICS_AUTH_USERNAME:-}"
pass="${METRICS_AUTH_PASSWORD:-}"
if [ -z "$pass" ] && [ -n "${METRICS_AUTH_PASSWORD_FILE:-}" ]; then
  if [ -r "$METRICS_AUTH_PASSWORD_FILE" ]; then
    pass="$(cat "$METRICS_AUTH_PASSWORD_FILE")"
    pass="${pass%$'\n'}"
  else
    echo "ERROR: METRICS_AUTH_PASSWORD_FILE is not readable: $METRICS_AUTH_PASSWORD_FILE" >&2
    exit 2
  fi
fi
if [ -z "$url" ] || [ -z "$user" ] || [ -z "$pass" ]; then
  echo "usage: METRICS_AUTH_USERNAME=... METRICS_AUTH_PASSWORD[_FILE]=... $0 URL  (or set METRICS_URL)" >&2
  exit 2
fi
max_time="${CURL_MAX_TIME:-10}"

failures=0
pass_() { echo "PASS $*"; }
fail_() { echo "FAIL $*"; failures=$((failures + 1)); }
warn_() { echo "WARN $*"; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# curl config values are double-quoted strings in which \ and " must be escaped.
cfg_quote() { local s="${1//\\/\\\\}"; s="${s//\"/\\\"}"; printf '"%s"' "$s"; }

# request NAME [CREDENTIAL_MODE] [extra curl args...]
#   CREDENTIAL_MODE: none | right | wrong
# Sets $code; headers in $tmp/NAME.headers, body in $tmp/NAME.body.
request() {
  local name="$1" mode="$2"; shift 2
  local cfg="url = $(cfg_quote "$url")"$'\n'
  case "$mode" in
    right) cfg+="user = $(cfg_quote "$user:$pass")"$'\n' ;;
    wrong) cfg+="user = $(cfg_quote "$user:wrong-$RANDOM$RANDOM-not-the-password")"$'\n' ;;
  esac
  code="$(printf '%s' "$cfg" | curl --silent --show-error --max-time "$max_time" -K - \
            -D "$tmp/$name.headers" -o "$tmp/$name.body" -w '%{http_code}' "$@" 2>"$tmp/$name.err")"
  [ -n "$code" ] || code="000"
}

# 0. transport advice
scheme="${url%%://*}"
hostport="${url#*://}"; hostport="${hostport%%/*}"; hostport="${hostport##*@}"
case "$hostport" in
  \[*\]*) host="${hostport%%]*}"; host="${host#[}" ;;
  *) host="${hostport%%:*}" ;;
esac
if [ "$scheme" = "http" ]; then
  case "$host" in
    localhost|127.*|::1) pass_ "plain http to loopback host $host" ;;
    *) warn_ "plain http to non-loopback host $host: the scrape password crosses the network in clear text; use https" ;;
  esac
fi

# 1. no credentials -> 401 + WWW-Authenticate: Basic
request noauth none
if [ "$code" = "401" ]; then pass_ "no credentials -> 401"; else fail_ "no credentials -> expected 401, got $code $(head -c 200 "$tmp/noauth.err" 2>/dev/null)"; fi
if grep -qiE '^WWW-Authenticate:[[:space:]]*Basic' "$tmp/noauth.headers" 2>/dev/null; then
  pass_ "no credentials -> WWW-Authenticate: Basic header"
else
  fail_ "no credentials -> missing 'WWW-Authenticate: Basic' header"
fi

# 2. wrong credentials -> 401
request wrong wrong
if [ "$code" = "401" ]; then pass_ "wrong credentials -> 401"; else fail_ "wrong credentials -> expected 401, got $code"; fi

# 3. malformed Authorization header -> 401
request malformed none -H 'Authorization: Basic !!!notbase64'
if [ "$code" = "401" ]; then pass_ "malformed Authorization header -> 401"; else fail_ "malformed Authorization header -> expected 401, got $code"; fi

# 4. right credentials -> 200
request ok right
body="$tmp/ok.body"
if [ "$code" = "200" ]; then
  pass_ "right credentials -> 200"
else
  fail_ "right credentials -> expected 200, got $code$( [ "$code" = "500" ] && echo ' (500: METRICS_AUTH_* not configured in the application?)')"
  : > "$tmp/empty"; body="$tmp/empty"
fi

# 5. exposition format
if command -v promtool >/dev/null 2>&1; then
  if [ -s "$body" ] && promtool check metrics < "$body" > "$tmp/promtool.out" 2>&1; then
    pass_ "promtool check metrics"
  else
    fail_ "promtool check metrics: $(tr '\n' ' ' < "$tmp/promtool.out" 2>/dev/null | head -c 500)"
  fi
else
  fail_ "promtool check metrics: promtool not found in PATH (install Prometheus' promtool)"
fi

# 6. heapwatch's key metrics (names from the heapwatch contract)
for metric in heapwatch_requests_sampled_total heapwatch_heap_used_bytes heapwatch_live_heap_after_gc_bytes \
              heapwatch_gc_collections_total heapwatch_leak_suspected; do
  if grep -qE "^${metric}(\{| )" "$body" 2>/dev/null; then
    pass_ "metric $metric present"
  else
    fail_ "metric $metric missing"
  fi
done
if grep -qE '^heapwatch_[a-z_]+\{[^}]*container="' "$body" 2>/dev/null; then
  pass_ "heapwatch series carry a container label"
else
  fail_ "heapwatch series carry no container label (CONTAINER_NAME)"
fi

if [ "$failures" -eq 0 ]; then
  echo "RESULT PASS: all checks passed for $url"
  exit 0
fi
echo "RESULT FAIL: $failures check(s) failed for $url"
exit 1
