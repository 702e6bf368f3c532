"""The fsdp engine on a CUDA GPU: bf16 training throughput (tokens/s, MFU) of a random ~1B LLaMA at length 2048,
and the worker's forward against transformers' LlamaForCausalLM on the same weights.

Run on one GPU (bench/fsdp-gpu.bench.sh does this):
    python -m torch.distributed.run --standalone --nproc-per-node 1 bench/fsdp_gpu.py
Options: --tiny (a 2-layer model at length 128, for a CPU smoke run with gloo), --steps N, --batch N, --peak-tflops X.
Needs python/requirements-bench.txt (transformers) for the forward check; without it the check is skipped, saying so.
Prints key=value lines.
"""

import argparse
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from lima_fsdp import model as M  # noqa: E402
from lima_fsdp.worker import shard  # noqa: E402

# dense bf16 peak of the usual accelerators, TFLOP/s (vendor data sheets, SXM parts)
PEAK = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "A10": 125.0}


def config(tiny):
    if tiny:
        return {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 172,
                "vocab_size": 512, "max_position_embeddings": 128, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False}
    # ~1.1B parameters: LLaMA-7B's shape scaled down (TinyLlama-like, without GQA so every head is a full MHA head)
    return {"hidden_size": 2048, "num_hidden_layers": 20, "num_attention_heads": 16, "num_key_value_heads": 16, "intermediate_size": 5632,
            "vocab_size": 32000, "max_position_embeddings": 2048, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False}


def parameters(c):
    return sum(math.prod(s) for _, s in c.tensor_shapes())


def random_weights(c, seed):
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for name, shape in c.tensor_shapes():
        sd[name] = torch.ones(shape) if name.endswith("norm.weight") else torch.randn(shape, generator=g) * 0.02
    return sd


def forward_check(cfg_dict, c, sd, device, dtype, length):
    """Max and mean |logit difference| and top-1 agreement of lima_fsdp's Llama against transformers'."""
    try:
        import transformers
    except ImportError:
        return {"forward_check": "skipped (no transformers: pip install -r python/requirements-bench.txt)"}
    hf_cfg = transformers.LlamaConfig(**{k: v for k, v in cfg_dict.items()}, attention_bias=False, mlp_bias=False, hidden_act="silu")
    hf = transformers.LlamaForCausalLM(hf_cfg).to(device=device, dtype=dtype).eval()
    missing, unexpected = hf.load_state_dict({k: v.to(dtype) for k, v in sd.items()}, strict=False)
    missing = [m for m in missing if "rotary" not in m]
    if missing or unexpected:
        raise SystemExit(f"transformers' LlamaForCausalLM does not take the weights: missing {missing}, unexpected {unexpected}")
    ours = M.Llama(c).to(device=device).eval()
    ours.load_state_dict(sd)
    ours = ours.to(dtype)
    ids = torch.randint(0, c.vocab, (1, length), generator=torch.Generator().manual_seed(3)).to(device)
    with torch.no_grad():
        a = ours(ids).float()
        b = hf(ids).logits.float()
    d = (a - b).abs()
    scale = b.abs().mean().item()
    top1 = (a.argmax(-1) == b.argmax(-1)).float().mean().item()
    if dtype == torch.float32:
        ok = d.max().item() <= 1e-4 * (1 + scale)
    else:  # bf16: rounding of 8-bit mantissas through every layer; same logits to ~1% and the same argmax almost always
        ok = d.mean().item() <= 0.02 * scale + 1e-3 and top1 >= 0.95
    return {"forward_check": "pass" if ok else "FAIL","forward_check_dtype": str(dtype).replace("torch.", ""), "forward_check_length": length, "transformers": transformers.__version__,
            "logits_max_abs_diff": float(f"{d.max().item():.3g}"), "logits_mean_abs_diff": float(f"{d.mean().item():.3g}"),
            "logits_mean_abs": float(f"{b.abs().mean().item():.4g}"), "top1_agreement": round((a.argmax(-1) == b.argmax(-1)).float().mean().item(), 5)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--peak-tflops", type=float, default=0.0)
    ap.add_argument("--no-ac", action="store_true", help="no activation checkpointing")
    args = ap.parse_args()
    gpu = torch.cuda.is_available() and not args.tiny
    if not gpu and not args.tiny:
        print("skipped=no CUDA device (use --tiny for a CPU smoke run)")
        return 0
    dist.init_process_group("nccl" if gpu else "gloo")
    from torch.distributed.device_mesh import init_device_mesh

    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0"))) if gpu else torch.device("cpu")
    if gpu:
        torch.cuda.set_device(device)
    mesh = init_device_mesh(device.type, (dist.get_world_size(),))
    cfg_dict = config(args.tiny)
    c = M.Config(cfg_dict)
    n_params = parameters(c)
    length = c.max_pos
    out = {"device": torch.cuda.get_device_name(device) if gpu else "cpu", "torch": torch.__version__, "parameters": n_params,
           "seq_len": length, "batch": args.batch, "world_size": dist.get_world_size()}
    sd = random_weights(c, 1)

    # 1. the forward against transformers: bf16 on GPU (and fp32 at a short length, strict), fp32 on CPU
    if dist.get_rank() == 0:
        if gpu:
            out.update({"bf16_" + k: v for k, v in forward_check(cfg_dict, c, sd, device, torch.bfloat16, length).items()})
            out.update({"fp32_" + k: v for k, v in forward_check(cfg_dict, c, sd, device, torch.float32, 256).items()})
        else:
            out.update({"fp32_" + k: v for k, v in forward_check(cfg_dict, c, sd, device, torch.float32, length).items()})
            out.update({"bf16_" + k: v for k, v in forward_check(cfg_dict, c, sd, device, torch.bfloat16, length).items()})

    # 2. training throughput through the engine's sharding (fully_shard per layer and root, bf16 + fp32 reduce, AC)
    with torch.device("meta"):
        model = M.Llama(c)
    model.activation_checkpointing = not args.no_ac
    shard(model, mesh, gpu, False)
    model.to_empty(device=device)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.to_local().copy_(sd[name].to(device).chunk(dist.get_world_size(), 0)[dist.get_rank()] if p.ndim > 0 else sd[name])
    del sd
    params = model.hf_parameters()
    opt = torch.optim.AdamW([{"params": [p for p in params.values() if p.ndim > 1], "weight_decay": 0.1},
                             {"params": [p for p in params.values() if p.ndim <= 1], "weight_decay": 0.0}],
                            lr=1e-5, betas=(0.9, 0.95), eps=1e-8, fused=gpu)
    model.train()
    g = torch.Generator().manual_seed(0)
    times = []
    for step in range(args.warmup + args.steps):
        ids = torch.randint(0, c.vocab, (args.batch, length + 1), generator=g).to(device)
        if gpu:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        logits = model(ids[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.view(-1, c.vocab), ids[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if gpu:
            torch.cuda.synchronize()
        if step >= args.warmup:
            times.append(time.perf_counter() - t0)
    tokens = args.batch * length * dist.get_world_size()
    tps = tokens * len(times) / sum(times)
    flops_per_token = 6.0 * n_params + 12.0 * c.layers * c.hidden * length / 2  # causal attention: half the context
    peak = args.peak_tflops or next((v for k, v in PEAK.items() if gpu and k in out["device"]), 0.0)
    out.update({"activation_checkpointing": not args.no_ac, "dtype": "bf16" if gpu else "fp32", "last_loss": round(loss.item(), 4),
                "tokens_per_s": round(tps, 1), "step_s": round(sum(times) / len(times), 4)})
    if peak:
        out.update({"peak_tflops": peak, "mfu": round(tps * flops_per_token / (peak * 1e12 * dist.get_world_size()), 4)})
    if gpu:
        out["max_memory_gib"] = round(torch.cuda.max_memory_allocated(device) / 2**30, 2)
    if dist.get_rank() == 0:
        for k, v in out.items():
            print(f"{k}={v}")
        print("json=" + json.dumps(out))
        if any(v == "FAIL" for v in out.values()):
            print("forward check FAILED: the worker's LLaMA differs from transformers' beyond the tolerance", file=sys.stderr)
            dist.destroy_process_group()
            return 1
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
