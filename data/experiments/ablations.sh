#!/usr/bin/env bash
# Data ablations (paper section 5, Figures 5 and 6): the same recipe on 2,000-example sets that differ in
# diversity (filtered Stack Exchange vs wikiHow), quality (filtered vs unfiltered Stack Exchange) and quantity
# (filtered Stack Exchange 2K, 4K, 8K, 16K, 32K); 5 sampled responses per test prompt, each rated 1-6 by the judge;
# mean with a 95% interval. Usage: data/experiments/ablations.sh OUT.
source "$(dirname "$0")/lib.sh"
out=$1; work=$out/work; mkdir -p "$work/recipes" "$work/mix" "$work/gen"
start_judge "$work"
# condition name = recipe name (data/recipes/ablation-NAME.json)
conditions=(quantity-2k diversity quality quantity-4k quantity-8k quantity-16k quantity-32k)
if [ "$SCALE" = tiny ]; then
  TINY=$(dirname "$out")/.tiny-data; tiny_data "$TINY"
  inputs=$TINY
  $LIMA curate stackexchange data/samples/stackexchange/coffee.stackexchange.com.7z data/samples/stackexchange/unix.stackexchange.com \
    --unfiltered --out "$TINY/stackexchange-unfiltered" --if-changed >/dev/null 2>&1
  # The samples hold a handful of examples: every quota is scaled down (2K -> 2 ... 32K -> 5), so the ladder is
  # 2, 3, 4, 5, 5 and the three 2K conditions have 2 examples each; the recipes are otherwise the real ones.
  declare -A tiny_quota=([quantity-2k]=2 [diversity]=2 [quality]=2 [quantity-4k]=3 [quantity-8k]=4 [quantity-16k]=5 [quantity-32k]=5)
  for c in "${conditions[@]}"; do
    jq --argjson q "${tiny_quota[$c]}" '.train[].quota = $q | del(.dev) | del(.test)' "data/recipes/ablation-$c.json" > "$work/recipes/ablation-$c.json"
  done
  test_prompts=$TINY/test-prompts.jsonl; samples=${TINY_SAMPLES:-5}
  gen=(--max-new-tokens 24)
else
  need_full MODEL DUMPS
  inputs=$work/data; mkdir -p "$inputs"
  se=("$DUMPS"/stackexchange/*.7z)
  # Enough filtered pairs for the 32K rung (plus slack for dedup), unfiltered pairs for the quality condition,
  # wikiHow articles for the diversity condition; test prompts as in make lima-data.
  $LIMA curate stackexchange "${se[@]}" --per-group 17000 --out "$inputs/stackexchange" --if-changed
  $LIMA curate stackexchange "${se[@]}" --unfiltered --per-group 1100 --out "$inputs/stackexchange-unfiltered" --if-changed
  $LIMA curate wikihow "$DUMPS"/wikihow/* --count 2200 --out "$inputs/wikihow" --if-changed
  $LIMA curate reddit "$DUMPS"/reddit/*.zst --subreddit AskReddit --prompts-only --count 70 --out "$inputs/askreddit" --if-changed
  $LIMA curate authored "$DUMPS/authored/test" --out "$inputs/authored-test" --if-changed
  for c in "${conditions[@]}"; do cp "data/recipes/ablation-$c.json" "$work/recipes/"; done
  test_prompts=$work/mix/quantity-2k/test.jsonl; samples=5
  gen=(--device gpu --dtype auto)
fi
responses=()
for c in "${conditions[@]}"; do
  $LIMA curate mix --recipe "$work/recipes/ablation-$c.json" --inputs "$inputs" --out "$work/mix/$c" --force --allow-missing >/dev/null
  if [ "$SCALE" = tiny ]; then tiny_train "$work/mix/$c/train.jsonl" "$work/train/$c" 2; else full_train "$work/mix/$c/train.jsonl" "$work/train/$c"; fi
done
# every test prompt $samples times (ids ID.s1 .. ID.sK), so each condition samples K responses per prompt
jq -c --argjson k "$samples" 'range(1; $k + 1) as $s | .id = ((.id // "p") + ".s" + ($s | tostring))' "$test_prompts" > "$work/test-x$samples.jsonl"
for c in "${conditions[@]}"; do
  rm -f "$work/gen/$c.jsonl"
  $LIMA generate --model "$work/train/$c/final" --prompts "$work/test-x$samples.jsonl" --out "$work/gen/$c.jsonl" --seed 1 "${gen[@]}" >/dev/null
  responses+=(--responses "$c=$work/gen/$c.jsonl")
done
# one judge rating per sampled response (the sampling is in the responses)
# shellcheck disable=SC2046
$LIMA eval likert --prompts "$work/test-x$samples.jsonl" "${responses[@]}" --samples 1 --temperature 0.7 $(judge_args) --out "$work/likert" --force
assemble ablations "$out"
