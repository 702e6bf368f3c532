#!/usr/bin/env bash
# Checkpoint selection (paper section 3): train, then pick the epoch between 5 and 10 whose answers to the dev
# prompts the judge rates best. Usage: data/experiments/select.sh OUT (see docs/experiments.md).
source "$(dirname "$0")/lib.sh"
out=$1; work=$out/work; mkdir -p "$work"
start_judge "$work"
if [ "$SCALE" = tiny ]; then
  TINY=$(dirname "$out")/.tiny-data; tiny_data "$TINY"
  cat "$TINY/stackexchange/examples.jsonl" "$TINY/wikihow/examples.jsonl" > "$work/train.jsonl"
  tiny_train "$work/train.jsonl" "$work/run" 4
  run=$work/run; dev=$TINY/authored/examples.jsonl; epochs=2-4; gen=(--max-new-tokens 24)
else
  if [ -n "${RUN:-}" ]; then run=$RUN; dev=${DEV:?SCALE=full with RUN= needs DEV=dev.jsonl}
  else
    need_full MODEL DUMPS
    bash data/lima-data.sh "$DUMPS" "$work/lima-data"
    full_train "$work/lima-data/final/train.jsonl" "$work/run"
    run=$work/run; dev=${DEV:-$work/lima-data/final/dev.jsonl}
  fi
  epochs=5-10; gen=(--device gpu --dtype auto)
fi
# shellcheck disable=SC2046
$LIMA eval select --run "$run" --prompts "$dev" --epochs "$epochs" $(judge_args) --out "$work/select" --force "${gen[@]}"
assemble select "$out"
