#!/usr/bin/env bash
# Dialogue (paper section 6, Figure 7): the model trained on single-turn data (zero-shot dialogue) and the same
# recipe plus 30 multi-turn chains each hold conversations from opening prompts; every assistant turn is rated
# Fail / Pass / Excellent. Usage: data/experiments/dialogue.sh OUT.
source "$(dirname "$0")/lib.sh"
out=$1; work=$out/work; mkdir -p "$work"
start_judge "$work"
USER_URL=${USER_URL:-$JUDGE}; USER_MODEL=${USER_MODEL:-$JUDGE_MODEL}
if [ "$SCALE" = tiny ]; then
  TINY=$(dirname "$out")/.tiny-data; tiny_data "$TINY"
  # chains from the comment threads of the sample dump, plus the hand-written multi-turn sample
  $LIMA curate stackexchange data/samples/stackexchange/coffee.stackexchange.com.7z data/samples/stackexchange/unix.stackexchange.com \
    --dialogues 20 --out "$TINY/stackexchange-dialogues" --if-changed >/dev/null 2>&1
  cat "$TINY/stackexchange/examples.jsonl" "$TINY/wikihow/examples.jsonl" > "$work/single.jsonl"
  cat "$work/single.jsonl" "$TINY/stackexchange-dialogues/examples.jsonl" > "$work/with-dialogues.jsonl"
  jq -c 'select((.conversations | length) > 2)' "$TINY/authored/examples.jsonl" >> "$work/with-dialogues.jsonl"
  USER_URL=$JUDGE; USER_MODEL=$JUDGE_MODEL
  tiny_train "$work/single.jsonl" "$work/zero-shot" 2
  tiny_train "$work/with-dialogues.jsonl" "$work/dialogue" 2
  openings=$TINY/test-prompts.jsonl; turns=3; gen=(--max-new-tokens 24)
else
  need_full MODEL DUMPS
  bash data/lima-data.sh "$DUMPS" "$work/lima-data"
  se=("$DUMPS"/stackexchange/*.7z)
  # 20 chains from Stack Exchange comment threads + 10 hand-written (DUMPS/authored/dialogue/), as in the paper
  $LIMA curate stackexchange "${se[@]}" --dialogues 20 --out "$work/stackexchange-dialogues" --if-changed
  $LIMA curate authored "$DUMPS/authored/dialogue" --out "$work/authored-dialogue" --if-changed
  cp "$work/lima-data/final/train.jsonl" "$work/single.jsonl"
  cat "$work/single.jsonl" "$work/stackexchange-dialogues/examples.jsonl" "$work/authored-dialogue/examples.jsonl" > "$work/with-dialogues.jsonl"
  full_train "$work/single.jsonl" "$work/zero-shot"
  full_train "$work/with-dialogues.jsonl" "$work/dialogue"
  # the paper held 10 conversations: the first 10 dev prompts open them unless OPENINGS= names a file
  if [ -n "${OPENINGS:-}" ]; then openings=$OPENINGS; else head -n 10 "$work/lima-data/final/dev.jsonl" > "$work/openings.jsonl"; openings=$work/openings.jsonl; fi
  turns=${TURNS:-5}; gen=(--device gpu --dtype auto)
fi
for m in zero-shot dialogue; do
  $LIMA eval dialogue run --model "$work/$m/final" --name "$m" --openings "$openings" --turns "$turns" \
    --user "$USER_URL" --user-model "$USER_MODEL" --user-api-key-env "$JUDGE_API_KEY_ENV" --out "$work/runs/$m" --force "${gen[@]}"
done
# shellcheck disable=SC2046
$LIMA eval dialogue judge "$work/runs/zero-shot" "$work/runs/dialogue" $(judge_args) --out "$work/judge" --force
assemble dialogue "$out"
