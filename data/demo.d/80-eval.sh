#!/usr/bin/env bash
# Evaluation on bundled sample responses and filled-in rater sheets (data/samples/eval/, see its README).
# The model-judge steps need an OpenAI-compatible server: they run only when LIMA_JUDGE_URL and
# LIMA_JUDGE_MODEL are set (key from $OPENAI_API_KEY); otherwise the demo says so and skips them.
set -euo pipefail
out=$1/eval
S=data/samples/eval
mkdir -p "$out"
bin/lima eval sheet import $S/alice.csv $S/bob.csv --key $S/sheet.key.csv --out "$out/sheet" --force --bootstrap 2000
bin/lima eval agreement "$out/sheet" --out "$out/agreement" --force --bootstrap 2000
bin/lima eval absolute --sheet $S/absolute-carol.csv --prompts $S/prompts.jsonl --out "$out/absolute" --force --bootstrap 2000
runs=("$out/sheet" "$out/agreement" "$out/absolute")
if [[ -n "${LIMA_JUDGE_URL:-}" && -n "${LIMA_JUDGE_MODEL:-}" ]]; then
  bin/lima eval pairwise --prompts $S/prompts.jsonl --a $S/lima-7b.jsonl --b $S/baseline.jsonl \
    --judge "$LIMA_JUDGE_URL" --judge-model "$LIMA_JUDGE_MODEL" --out "$out/pairwise" --force
  bin/lima eval likert --prompts $S/prompts.jsonl --responses $S/lima-7b.jsonl --responses $S/baseline.jsonl \
    --judge "$LIMA_JUDGE_URL" --judge-model "$LIMA_JUDGE_MODEL" --samples 3 --out "$out/likert" --force --bootstrap 2000
  bin/lima eval agreement "$out/sheet" "$out/pairwise" --out "$out/agreement-judge" --force --bootstrap 2000
  runs=("$out/sheet" "$out/pairwise" "$out/likert" "$out/absolute" "$out/agreement-judge")
else
  echo "note: skipping eval pairwise/likert (no judge server here); set LIMA_JUDGE_URL and LIMA_JUDGE_MODEL to run them"
fi
bin/lima eval report "${runs[@]}" --out "$out/report" --force --title "lima demo evaluation"
