#!/usr/bin/env bash
# Regenerates docs/kubernetes/base/prometheusrule.yaml from docs/monitoring/heapwatch-alerts.yml.
#   render-prometheusrule.sh           write it
#   render-prometheusrule.sh --check   verify the committed file is up to date (exit 1 if not)
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
validate="$here/../kubernetes/validate"
if [ ! -d "$validate/node_modules/yaml" ]; then
  (cd "$validate" && npm ci --no-audit --no-fund --loglevel=error) || { echo "FAIL npm ci in $validate"; exit 1; }
fi
exec node "$validate/render-prometheusrule.mjs" "$@"
