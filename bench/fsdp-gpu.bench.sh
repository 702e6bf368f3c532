#!/usr/bin/env bash
# The fsdp engine on one CUDA GPU: bf16 training tokens/s and MFU of a random ~1.1B LLaMA at length 2048 (fully_shard
# per layer and root, fp32 master weights, activation checkpointing), and its forward against transformers'
# LlamaForCausalLM on the same weights (bf16 at 2048, fp32 at 256). Skips, saying so, without a CUDA device.
# BENCH_FSDP_ARGS adds options (--steps N --batch N --peak-tflops X --no-ac); BENCH_FSDP_TINY=1 runs the CPU smoke size.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${LIMA_PYTHON:-${LIMA_VENV:-$HOME/.cache/lima/venv-torch2.7.1}/bin/python}"
if ! "$PY" -c 'import torch' 2>/dev/null; then echo "fsdp-gpu: skipped (no torch in $PY; make venv)"; exit 0; fi
EXTRA=()
if [ "${BENCH_FSDP_TINY:-0}" = 1 ]; then EXTRA=(--tiny)
elif ! "$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'; then
  echo "fsdp-gpu: skipped (no CUDA device; BENCH_FSDP_TINY=1 runs the tiny CPU smoke size)"; exit 0
fi
"$PY" -c 'import transformers' 2>/dev/null || "$PY" -m pip install --disable-pip-version-check -q -r python/requirements-bench.txt \
  || echo "fsdp-gpu: transformers not installed; the forward check will be skipped"
mkdir -p bench/out
"$PY" -m torch.distributed.run --standalone --nproc-per-node 1 bench/fsdp_gpu.py "${EXTRA[@]}" ${BENCH_FSDP_ARGS:-} 2>bench/out/fsdp-gpu.log \
  | tee bench/out/fsdp-gpu.txt
