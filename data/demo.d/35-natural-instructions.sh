#!/usr/bin/env bash
# Super-Natural Instructions: one seeded instance per English generation task, tasks sampled category-first.
set -euo pipefail
out=$1
bin/lima curate natural-instructions data/samples/natural-instructions --count 4 --out "$out/natural-instructions" --force
bin/lima stats "$out/natural-instructions/examples.jsonl"
