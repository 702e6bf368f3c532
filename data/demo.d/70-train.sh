#!/usr/bin/env bash
# Tokenize the demo mix and fine-tune a tiny real LLaMA (stories260K, Hugging Face layout, from ../shared)
# on it for one epoch with the LIMA recipe scaled down, then answer one prompt with the result.
# Skipped when the mix (step 60) or the model is not there: the project ships no model weights.
set -euo pipefail
out=$1
model=${LIMA_DEMO_MODEL:-}
if [ -z "$model" ]; then
  for shared in ../shared ../../shared /work/shared; do
    [ -d "$shared/real/models/stories260K-hf-DERIVED" ] && { model=$shared/real/models/stories260K-hf-DERIVED; break; }
  done
fi
if [ ! -f "$out/mix/train.jsonl" ]; then
  echo "no $out/mix/train.jsonl (step 60); skipping tokenize/train"
  exit 0
fi
if [ ! -f "$model/config.json" ]; then
  echo "no model at $model (set LIMA_DEMO_MODEL to a Hugging Face LLaMA folder); skipping tokenize/train"
  exit 0
fi
bin/lima tokenize "$out/mix/train.jsonl" --model "$model" --out "$out/tokenized" --max-len 256 --force
bin/lima tokenize --render 1 "$out/tokenized" | head -c 1200; echo
bin/lima train --plan --model "$model" --max-len 256 --micro-batch 4
# stories260K takes at most 512 positions; paper recipe otherwise, with a higher lr for so few steps
bin/lima train --model "$model" --data "$out/tokenized" --out "$out/train" --force \
  --epochs 2 --batch 8 --micro-batch 4 --lr 1e-3 --final-lr 1e-4 --dropout-top 0.2 --max-len 256 --save-every 2
tail -n 2 "$out/train/metrics.jsonl"
bin/lima generate --model "$out/train/final" --prompt "Tell me a story about a dog." --temperature 0 --max-new-tokens 60
