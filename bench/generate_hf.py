"""Peer for bench/generate.bench.sh: Hugging Face transformers' generate on the same weights and prompt ids.

  python generate_hf.py single MODEL_DIR TOKENS THREADS
  python generate_hf.py batch MODEL_DIR IDS_FILE BATCH MAXNEW THREADS

Greedy, no repetition penalty, fp32 on the CPU, as the lima side. Batches are static (transformers' generate
pads a group of prompts on the left and runs them together until the longest is done); every prompt generates
exactly MAXNEW tokens (min_new_tokens), so the counts match lima's.
"""
import json
import os
import sys
import time
import warnings

import torch
from transformers import LlamaForCausalLM
from transformers.utils import logging

warnings.filterwarnings("ignore")
logging.set_verbosity_error()


def load(path, threads):
    torch.set_num_threads(threads)
    m = LlamaForCausalLM.from_pretrained(path, torch_dtype=torch.float32)
    m.eval()
    return m


def gen(m, ids, mask, n):
    with torch.inference_mode():
        return m.generate(input_ids=ids, attention_mask=mask, max_new_tokens=n, min_new_tokens=n, do_sample=False,
                          repetition_penalty=1.0, pad_token_id=0, eos_token_id=2)


def single(path, tokens, threads):
    m = load(path, threads)
    ids = torch.tensor([[1, 3, 4, 5, 6]])
    mask = torch.ones_like(ids)
    gen(m, ids, mask, 16)
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        gen(m, ids, mask, tokens)
        best = max(best, tokens / (time.perf_counter() - t0))
    print(f"hf single: {tokens} tokens, {threads} thread(s), best of 3: {best:.1f} tokens/s ({1000 / best:.2f} ms/token)")


def batch(path, ids_file, size, maxnew, threads):
    m = load(path, threads)
    prompts = [json.loads(l) for l in open(ids_file)]
    gen(m, torch.tensor([prompts[0]]), torch.ones(1, len(prompts[0]), dtype=torch.long), 4)
    # Best of GENERATE_BENCH_REPEAT runs (the quickest), as lima's batched runs.
    rep = os.environ.get("GENERATE_BENCH_REPEAT", "3")
    if not rep.isdigit() or int(rep) < 1:
        sys.exit(f"generate_hf: GENERATE_BENCH_REPEAT must be a whole number of runs, at least 1; got '{rep}'")
    repeat = int(rep)
    secs, runs = float("inf"), []
    for _ in range(repeat):
        t0 = time.perf_counter()
        tokens = 0
        for s in range(0, len(prompts), size):
            group = prompts[s:s + size]
            width = max(len(p) for p in group)
            ids = torch.tensor([[0] * (width - len(p)) + p for p in group])
            mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in group])
            out = gen(m, ids, mask, maxnew)
            tokens += (out.shape[1] - width) * len(group)
        runs.append(time.perf_counter() - t0)
        secs = min(secs, runs[-1])
    print(f"hf batch {size:2d}: {len(prompts)} prompts, {tokens} new tokens in {secs:.1f} s: {tokens / secs:.1f} tokens/s, "
          f"{len(prompts) * 60 / secs:.1f} prompts/min (best of {repeat}: {', '.join(f'{r:.1f}' for r in runs)} s)")


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "single":
        single(a[1], int(a[2]), int(a[3]))
    else:
        batch(a[1], a[2], int(a[3]), int(a[4]), int(a[5]))
