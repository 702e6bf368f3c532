#!/usr/bin/env bash
# Tokenize the demo mix and fine-tune a small LLaMA on it with the LIMA recipe scaled down, then answer the
# test prompts with the result. The model is a random 2-layer LLaMA written by `lima model init` (the project
# ships no weights), so its answers are gibberish: the step shows the pipeline, not quality. Set
# LIMA_DEMO_MODEL to a Hugging Face LLaMA folder (e.g. ../shared/real/models/stories260K-hf-DERIVED) to use it.
set -euo pipefail
out=$1
if [ ! -f "$out/mix/train.jsonl" ]; then
  echo "no $out/mix/train.jsonl (step 60); skipping tokenize/train"
  exit 0
fi
model=${LIMA_DEMO_MODEL:-}
if [ -z "$model" ]; then
  model=$out/model-init
  rm -rf "$model"
  bin/lima model init --out "$model" --hidden 64 --layers 2 --heads 4 --kv-heads 2 --max-positions 512 --seed 42
fi
bin/lima tokenize "$out/mix/train.jsonl" --model "$model" --out "$out/tokenized" --max-len 256 --force
bin/lima tokenize --render 1 "$out/tokenized" | head -c 600; echo
bin/lima train --plan --model "$model" --max-len 256 --micro-batch 4
# The paper's recipe (AdamW 0.9/0.95, wd 0.1, linear decay, residual dropout rising with depth) with a higher
# learning rate and 3 epochs, since a demo has only a few steps.
bin/lima train --model "$model" --data "$out/tokenized" --out "$out/train" --force \
  --epochs 3 --batch 8 --micro-batch 4 --lr 3e-3 --final-lr 3e-4 --dropout-top 0.2 --max-len 256 --save-every 2
tail -n 2 "$out/train/metrics.jsonl"
bin/lima generate --model "$out/train/final" --prompts "$out/mix/test.jsonl" --out "$out/generate/responses.jsonl" \
  --max-new-tokens 40 --seed 1
head -c 400 "$out/generate/responses.jsonl"; echo
