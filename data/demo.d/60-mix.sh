#!/usr/bin/env bash
# Dedup + mix over the outputs of the earlier demo steps (those present): cross-source dedup with
# decontamination against the AskReddit test prompts, then a small mix with a data card.
set -euo pipefail
out=$1
train=()
for s in stackexchange wikihow writingprompts natural-instructions authored; do
  [ -f "$out/$s/examples.jsonl" ] && train+=("$out/$s")
done
if [ ${#train[@]} -eq 0 ]; then
  echo "no curated sources under $out yet; skipping dedup and mix"
  exit 0
fi
decon=()
[ -f "$out/askreddit/examples.jsonl" ] && decon=(--decontaminate "$out/askreddit")
bin/lima curate dedup "${train[@]}" "${decon[@]}" --out "$out/dedup" --force
bin/lima curate mix --recipe data/recipes/demo.json --inputs "$out" --out "$out/mix" --force --allow-missing
bin/lima stats "$out/mix/train.jsonl"
sed -n '1,/^## Composition/p' "$out/mix/DATACARD.md" | head -30
