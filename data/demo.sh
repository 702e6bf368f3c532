#!/usr/bin/env bash
# The demo: curation of the bundled sample dumps in data/samples/ into OUT (default out/demo).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/demo}
mkdir -p "$out"
lima=bin/lima
echo "== lima --version"; $lima --version
echo "(more demo steps are added as the commands land)"
