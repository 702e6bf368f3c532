#!/usr/bin/env bash
# Checkpoint selection (paper section 3): train, then pick the epoch between 5 and 10 whose answers to the dev
# prompts the judge rates best. Usage: data/experiments/select.sh OUT (see docs/experiments.md).
source "$(dirname "$0")/lib.sh"
out=$1; work=$out/work; mkdir -p "$work"
start_judge "$work"
if [ "$SCALE" = tiny ]; then
  epoch_run "$out" 4; epochs=2-4; gen=(--max-new-tokens 24)
else
  epoch_run "$out" 0; epochs=5-10; gen=(--device gpu --dtype auto)
fi
# shellcheck disable=SC2046
$LIMA eval select --run "$run" --prompts "$dev" --epochs "$epochs" $(judge_args) --out "$work/select" --force "${gen[@]}"
assemble select "$out"
