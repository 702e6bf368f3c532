#!/usr/bin/env bash
# Demo step: LIMA-style pairs from the two sample Stack Exchange dumps (a 7z archive and a site folder).
set -euo pipefail
out=$1/stackexchange
echo "(the coffee sample has a malformed Score on purpose: the warning below names its file and line)"
bin/lima curate stackexchange data/samples/stackexchange/coffee.stackexchange.com.7z \
  data/samples/stackexchange/unix.stackexchange.com --out "$out" --force --seed 42
bin/lima stats "$out/examples.jsonl"
echo "rejects by reason:"
grep -o '"reason":"[a-z_]*"' "$out/rejects.jsonl" | sort | uniq -c
