#!/usr/bin/env bash
# Perplexity vs judged quality across training (paper appendix B, Figure 9): dev-set perplexity of every epoch
# checkpoint next to the judge's rating of its answers. Usage: data/experiments/perplexity.sh OUT.
source "$(dirname "$0")/lib.sh"
out=$1; work=$out/work; mkdir -p "$work"
start_judge "$work"
if [ "$SCALE" = tiny ]; then
  epochs=${TINY_EPOCHS:-3}
  epoch_run "$out" "$epochs"; gen=(--max-new-tokens 24 --samples 1); ppl=(--max-len 256)
else
  epoch_run "$out" 0; epochs=15; gen=(--device gpu --dtype auto); ppl=(--device gpu)
fi
models=(); for e in $(seq 1 "$epochs"); do models+=("$run/epoch-$e"); done
# Judged quality of every epoch (the selection run over 1..E), then perplexity with it on the second axis.
# shellcheck disable=SC2046
$LIMA eval select --run "$run" --prompts "$dev" --epochs "1-$epochs" $(judge_args) --out "$work/quality" --force "${gen[@]}"
$LIMA eval perplexity --model "${models[@]}" --data "$dev" --quality "$run" --out "$work/perplexity" --force "${ppl[@]}"
assemble perplexity "$out"
