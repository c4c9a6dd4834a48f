#!/usr/bin/env bash
# shadowdesk gates itself: fixed slices of the demo and of a public dataset go through
# `shadowdesk ci` against the baselines committed here, so a change that makes answers worse
# fails the build. Refresh a baseline on purpose, after reading the diff: UPDATE=1 ci/gate.sh
# Usage: ci/gate.sh [DEMO_RUN]   (a finished `shadowdesk demo` run folder; made here when absent)
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
update=()
if [ "${UPDATE:-}" = 1 ]; then update=(--update-baseline); fi

demo_run="${1:-}"
if [ -z "$demo_run" ]; then
  npx --no-install shadowdesk demo --workspace "$work/demo" > /dev/null
  demo_run="$work/demo/runs/demo"
fi
npx --no-install shadowdesk ci --baseline ci/baseline-demo.json --run "$demo_run" "${update[@]}"

# Bitext (CDLA-Sharing-1.0) is read in place; the baseline keeps verdicts and ids, never its text.
bitext=../shared/datasets/bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.v2023-09-19.csv
if [ -f "$bitext" ]; then
  npx --no-install shadowdesk import "$bitext" --workspace "$work/bitext" > /dev/null
  npx --no-install shadowdesk simulate --workspace "$work/bitext" --holdout-days 3 --candidates past-ticket,composite --run "$work/bitext/runs/gate" --formats json > /dev/null
  npx --no-install shadowdesk ci --baseline ci/baseline-bitext.json --run "$work/bitext/runs/gate" "${update[@]}"
else
  echo "gate: $bitext is absent, the Bitext slice is skipped"
fi
