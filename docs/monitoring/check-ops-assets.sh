#!/usr/bin/env bash
# Checks every heapwatch ops asset under docs/. Runs all checks, reports each as PASS/FAIL, exits 1 if any failed.
# Works from a fresh clone: it runs `npm ci` itself. Needs: promtool (Prometheus 2.42+), node >= 20, npm, jq,
# python3, curl.
#   docs/monitoring/check-ops-assets.sh
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
docs="$(cd "$here/.." && pwd)"
validate_dir="$docs/kubernetes/validate"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
results=()

# check NAME COMMAND...   runs the command, shows its output indented, records PASS/FAIL
check() {
  local name="$1"; shift
  echo "=== $name"
  if "$@" > "$tmp/out" 2>&1; then
    sed 's/^/    /' "$tmp/out"; results+=("PASS $name")
  else
    sed 's/^/    /' "$tmp/out"; results+=("FAIL $name"); failures=$((failures + 1))
  fi
}

for tool in promtool node npm jq python3 curl; do
  check "tool $tool is installed" command -v "$tool"
done

check "promtool check rules --lint=all --lint-fatal" \
  promtool check rules --lint=all --lint-fatal "$here/heapwatch-alerts.yml"
check "promtool test rules" bash -c "cd '$here' && promtool test rules heapwatch-alerts.test.yml"

check_config() {
  mkdir -p "$tmp/config" && cp "$here/prometheus.yml" "$here/heapwatch-alerts.yml" "$tmp/config/" \
    && printf 'dummy-password\n' > "$tmp/config/password" \
    && sed -i "s#/etc/prometheus/secrets/heapwatch-metrics-password#$tmp/config/password#" "$tmp/config/prometheus.yml" \
    && grep -q "password_file: $tmp/config/password" "$tmp/config/prometheus.yml" \
    && promtool check config "$tmp/config/prometheus.yml"
}
check "promtool check config (prometheus.yml, dummy password file)" check_config

check "npm ci (docs/kubernetes/validate)" bash -c "cd '$validate_dir' && npm ci --no-audit --no-fund --loglevel=error"
check "PrometheusRule equals heapwatch-alerts.yml" node "$validate_dir/render-prometheusrule.mjs" --check
check_prometheusrule_rules() {
  node --input-type=module -e "
    import { readFileSync, writeFileSync } from 'node:fs';
    import YAML from '$validate_dir/node_modules/yaml/dist/index.js';
    const pr = YAML.parse(readFileSync('$docs/kubernetes/base/prometheusrule.yaml', 'utf8'));
    writeFileSync('$tmp/prometheusrule-groups.yml', YAML.stringify({ groups: pr.spec.groups }));
  " && promtool check rules --lint=all --lint-fatal "$tmp/prometheusrule-groups.yml"
}
check "PrometheusRule spec.groups pass promtool check rules" check_prometheusrule_rules
check "Kubernetes manifest schema validation" bash -c "cd '$validate_dir' && node validate.mjs"
check "Kubernetes manifest validation rejects broken manifests" bash -c "cd '$validate_dir' && node validate.test.mjs"

check_runbook() {
  # every alert has a runbook section with the anchor its runbook_url points at, and no section cites a
  # nonexistent alert
  local ok=0 alerts anchors a
  alerts="$(grep -E '^\s*- alert: ' "$here/heapwatch-alerts.yml" | awk '{print $3}' | sort)"
  anchors="$(grep -E '^## Heapwatch' "$docs/runbook.md" | awk '{print $2}' | sort)"
  for a in $alerts; do
    if ! grep -q "runbook_url: https://github.com/heapwatch/heapwatch/blob/main/docs/runbook.md#$(echo "$a" | tr 'A-Z' 'a-z')\$" <(grep -A30 -E "^\s*- alert: $a\$" "$here/heapwatch-alerts.yml" | grep runbook_url | head -1 | sed 's/^ *//'); then
      echo "alert $a: runbook_url is not docs/runbook.md#$(echo "$a" | tr 'A-Z' 'a-z')"; ok=1
    fi
    grep -qx "$a" <<< "$anchors" || { echo "alert $a has no '## $a' section in docs/runbook.md"; ok=1; }
  done
  for a in $anchors; do
    grep -qx "$a" <<< "$alerts" || { echo "runbook section '## $a' cites an alert that does not exist"; ok=1; }
  done
  for a in $(grep -oE 'Heapwatch[A-Z][A-Za-z0-9]+' "$docs/runbook.md" "$docs/operations.md" | cut -d: -f2 | sort -u); do
    grep -qx "$a" <<< "$alerts" || { echo "docs mention $a, which is not an alert"; ok=1; }
  done
  [ "$ok" -eq 0 ] && echo "$(wc -w <<< "$alerts") alerts, $(wc -w <<< "$anchors") runbook sections, all consistent"
  return "$ok"
}
check "runbook sections match the alerts" check_runbook

check_dashboard() {
  local f="$here/grafana-dashboard.json" ok=0
  jq -e '.schemaVersion >= 36 and ([.templating.list[] | select(.type == "datasource" and .query == "prometheus")] | length == 1)
         and ([.templating.list[].name] | index("container") != null and index("instance") != null)
         and ([.panels[] | select(.type != "row")] | length >= 6)' "$f" > /dev/null \
    || { echo "dashboard structure: need schemaVersion, a prometheus datasource variable, container/instance variables, >= 6 panels"; ok=1; }
  jq -r '.panels[] | .title as $t | .targets[] | [$t, .expr] | @tsv' "$f" > "$tmp/exprs.tsv"
  local n=0
  {
    echo "groups:"; echo "  - name: grafana-dashboard-exprs"; echo "    rules:"
    while IFS=$'\t' read -r title expr; do
      n=$((n + 1))
      if ! grep -q '\$container' <<< "$expr" || ! grep -q '\$instance' <<< "$expr"; then
        echo "panel '$title': expr does not select on \$container and \$instance: $expr" >&2; ok=1
      fi
      expr="${expr//\$container/.*}"; expr="${expr//\$instance/.*}"
      expr="${expr//\$__rate_interval/1m}"; expr="${expr//\$__range/6h}"; expr="${expr//\$__interval/15s}"
      if grep -q '\$' <<< "$expr"; then echo "panel '$title': unsubstituted variable in: $expr" >&2; ok=1; fi
      echo "      - record: grafana:expr_$n"
      echo "        expr: $(jq -Rn --arg e "$expr" '$e')"
    done < "$tmp/exprs.tsv"
  } > "$tmp/dashboard-rules.yml"
  promtool check rules "$tmp/dashboard-rules.yml" || ok=1
  echo "$(wc -l < "$tmp/exprs.tsv") dashboard exprs checked"
  return "$ok"
}
check "Grafana dashboard structure and PromQL" check_dashboard

check "validate-metrics-endpoint.sh against a fake server (test-validate-script.sh)" "$here/test-validate-script.sh"

echo
echo "=== summary"
printf '%s\n' "${results[@]}"
if [ "$failures" -eq 0 ]; then echo "RESULT PASS: all ops asset checks passed"; exit 0; fi
echo "RESULT FAIL: $failures check(s) failed"; exit 1
