#!/usr/bin/env bash
# Hand-written examples: Markdown and JSON Lines samples, one file deliberately invalid (its examples go to rejects).
set -euo pipefail
out=$1
bin/lima curate authored data/samples/authored --out "$out/authored" --force
echo "rejected (expected 2, from invalid-draft.md):"
cut -c1-160 "$out/authored/rejects.jsonl"
