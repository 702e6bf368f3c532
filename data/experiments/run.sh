#!/usr/bin/env bash
# make experiment-NAME: data/experiments/run.sh NAME OUT (NAME: select, ablations, dialogue, perplexity).
set -euo pipefail
name=${1:?usage: run.sh select|ablations|dialogue|perplexity OUT}
out=${2:?usage: run.sh NAME OUT}
case "$name" in
  select|ablations|dialogue|perplexity) ;;
  *) echo "unknown experiment '$name' (select, ablations, dialogue, perplexity)" >&2; exit 2 ;;
esac
start=$(date +%s)
echo "== experiment $name (SCALE=${SCALE:-tiny}) -> $out"
bash "$(dirname "$0")/$name.sh" "$out"
echo "== experiment $name done in $(( $(date +%s) - start )) s: $out/results.json, $out/figure.png, $out/report.md"
