#!/usr/bin/env bash
# The demo: every step in data/demo.d/*.sh, in order, on the bundled samples in data/samples/, into OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/demo}
mkdir -p "$out"
echo "== lima --version"; bin/lima --version
shopt -s nullglob
for step in data/demo.d/*.sh; do
  echo "== $(basename "$step" .sh)"
  bash "$step" "$out"
done
echo "demo outputs are in $out"
