#!/usr/bin/env bash
# make bench: runs every benchmark in bench/*.bench.sh and prints their figures.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
shopt -s nullglob
for b in bench/*.bench.sh; do
  echo "== $(basename "$b" .bench.sh)"
  bash "$b"
done
