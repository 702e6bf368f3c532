#!/usr/bin/env bash
# Shared by the experiment scripts (docs/experiments.md). Sourced, not run.
#
# Environment (set by the Makefile: make experiment-NAME SCALE=... MODEL=... DUMPS=... JUDGE=...):
#   SCALE        tiny (default): the bundled samples, a random `lima model init` model, a scripted local judge;
#                full: the paper's setting (MODEL, DUMPS and JUDGE required).
#   MODEL        base model folder (Hugging Face LLaMA, e.g. LLaMA-7B) for full runs.
#   DUMPS        raw dumps folder in the layout of `make lima-data` (docs/curate-mix.md) for full runs.
#   JUDGE        OpenAI-compatible judge URL; JUDGE_MODEL its model name (default gpt-4o); the key is read
#                from the variable JUDGE_API_KEY_ENV names (default OPENAI_API_KEY), never written anywhere.
#   RUN          (full, optional) a finished LIMA training run folder (epoch-K checkpoints) to reuse.
#   ENGINE       (full) training engine, default fsdp; ENGINE_ARGS extra `lima train` flags.
#   LIMA         the launcher (default bin/lima).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
LIMA=${LIMA:-bin/lima}
SCALE=${SCALE:-tiny}
JUDGE=${JUDGE:-}
JUDGE_MODEL=${JUDGE_MODEL:-gpt-4o}
JUDGE_API_KEY_ENV=${JUDGE_API_KEY_ENV:-OPENAI_API_KEY}
ENGINE=${ENGINE:-fsdp}
ENGINE_ARGS=${ENGINE_ARGS:-}
SCRIPTED=0
JUDGE_PID=

case "$SCALE" in
  tiny|full) ;;
  *) echo "SCALE must be tiny or full, got '$SCALE'" >&2; exit 2 ;;
esac

# start_judge WORKDIR: at SCALE=tiny without JUDGE, start the scripted plumbing-only judge on 127.0.0.1.
start_judge() {
  if [ -n "$JUDGE" ]; then return; fi
  if [ "$SCALE" = full ]; then
    echo "SCALE=full needs JUDGE=URL (an OpenAI-compatible judge) and JUDGE_MODEL=NAME" >&2
    exit 2
  fi
  local port_file=$1/judge.port
  rm -f "$port_file"
  python3 data/experiments/scripted_judge.py --port-file "$port_file" &
  JUDGE_PID=$!
  trap 'kill $JUDGE_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do [ -s "$port_file" ] && break; sleep 0.1; done
  [ -s "$port_file" ] || { echo "the scripted judge did not start" >&2; exit 1; }
  JUDGE=http://127.0.0.1:$(cat "$port_file")
  JUDGE_MODEL=scripted-judge-PLUMBING-ONLY
  SCRIPTED=1
  echo "judge: scripted plumbing-only judge at $JUDGE (its numbers mean nothing about quality)"
}

judge_args() {
  echo --judge "$JUDGE" --judge-model "$JUDGE_MODEL" --api-key-env "$JUDGE_API_KEY_ENV"
}

need_full() {
  [ "$SCALE" = full ] || return 0
  local missing=()
  for v in "$@"; do [ -n "${!v:-}" ] || missing+=("$v"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "SCALE=full needs ${missing[*]} (see docs/experiments.md)" >&2
    exit 2
  fi
}

# tiny_data DIR: curate the bundled samples once (re-used by every tiny experiment; --if-changed).
tiny_data() {
  local d=$1
  mkdir -p "$d"
  local se=(data/samples/stackexchange/coffee.stackexchange.com.7z data/samples/stackexchange/unix.stackexchange.com)
  $LIMA curate stackexchange "${se[@]}" --out "$d/stackexchange" --if-changed >/dev/null 2>&1
  $LIMA curate wikihow data/samples/wikihow/articles.jsonl --count 0 --out "$d/wikihow" --if-changed >/dev/null
  $LIMA curate authored data/samples/authored/examples.jsonl data/samples/authored/multi-turn.md data/samples/authored/single-turn.md \
    data/samples/authored/safety-refusal.md --out "$d/authored" --if-changed >/dev/null
  head -n "${TINY_PROMPTS:-4}" data/samples/eval/prompts.jsonl > "$d/test-prompts.jsonl"
  if [ ! -f "$d/model/config.json" ]; then
    $LIMA model init --out "$d/model" --hidden 32 --layers 2 --heads 4 --kv-heads 2 --max-positions 512 --seed 42 >/dev/null
  fi
}

# tiny_train DATA.jsonl RUN EPOCHS: the LIMA recipe scaled down (higher learning rate, small batch) on the tiny model.
tiny_train() {
  local data=$1 run=$2 epochs=$3 model=${4:-$TINY/model}
  $LIMA tokenize "$data" --model "$model" --out "$run.tok" --max-len 256 --force >/dev/null
  $LIMA train --model "$model" --data "$run.tok" --out "$run" --force --epochs "$epochs" --batch 4 --micro-batch 4 \
    --lr 3e-3 --final-lr 3e-4 --dropout-top 0.2 --max-len 256 >/dev/null
}

# full_train DATA.jsonl RUN: the paper's recipe for a 7B model on one GPU (docs/experiments.md).
full_train() {
  local data=$1 run=$2
  if [ -f "$run/final/config.json" ]; then echo "$run: trained already (final/ exists)"; return; fi
  $LIMA tokenize "$data" --model "$MODEL" --out "$run.tok" --if-changed
  local resume=()
  compgen -G "$run/epoch-*" >/dev/null || compgen -G "$run/step-*" >/dev/null && resume=(--resume)
  # shellcheck disable=SC2086
  $LIMA train --engine "$ENGINE" --model "$MODEL" --data "$run.tok" --out "$run" "${resume[@]}" \
    --epochs 15 --batch 64 --dropout-top 0.2 --device gpu $ENGINE_ARGS
}

# epoch_run OUT TINY_EPOCHS: the training run whose epoch checkpoints select.sh and perplexity.sh judge. At
# SCALE=tiny a tiny model trained TINY_EPOCHS epochs on the samples' Stack Exchange and wikiHow pairs, judged on
# the authored samples; at full, RUN= (with DEV=) or a LIMA run trained from MODEL and DUMPS. Sets run and dev.
epoch_run() {
  local out=$1 epochs=$2 work=$1/work
  if [ "$SCALE" = tiny ]; then
    TINY=$(dirname "$out")/.tiny-data; tiny_data "$TINY"
    cat "$TINY/stackexchange/examples.jsonl" "$TINY/wikihow/examples.jsonl" > "$work/train.jsonl"
    tiny_train "$work/train.jsonl" "$work/run" "$epochs"
    run=$work/run; dev=$TINY/authored/examples.jsonl
  elif [ -n "${RUN:-}" ]; then
    run=$RUN; dev=${DEV:?SCALE=full with RUN= needs DEV=dev.jsonl}
  else
    need_full MODEL DUMPS
    bash data/lima-data.sh "$DUMPS" "$work/lima-data"
    full_train "$work/lima-data/final/train.jsonl" "$work/run"
    run=$work/run; dev=${DEV:-$work/lima-data/final/dev.jsonl}
  fi
}

# assemble NAME OUT: results.json, figure.png/svg and report.md from the experiment's eval outputs.
assemble() {
  python3 data/experiments/assemble.py "$1" "$2" --scale "$SCALE" --judge-model "$JUDGE_MODEL" --scripted "$SCRIPTED"
}
