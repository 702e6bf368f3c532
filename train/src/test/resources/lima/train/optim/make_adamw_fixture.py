"""Records torch.optim.AdamW on a small problem as adamw-torch.json, the fixture of AdamWTest.

Run from the repository root with the project's venv (python/requirements.txt: torch 2.7.1):
    $LIMA_VENV/bin/python train/src/test/resources/lima/train/optim/make_adamw_fixture.py
The output is deterministic (fixed gradients, float32, the single-tensor implementation).
"""

import json
import pathlib

import torch

BETAS = (0.9, 0.95)
EPS = 1e-8
WEIGHT_DECAY = 0.1
STEPS = 5
LR0, LR1 = 1e-2, 1e-3  # lima's LinearDecay: lr0 at step 1, lr1 at the last step, linear in between


def lr_at(step):
    return LR0 + (LR1 - LR0) * (step - 1) / (STEPS - 1)


def main():
    g = torch.Generator().manual_seed(20261202)
    mat = torch.randn(3, 4, generator=g, dtype=torch.float32)
    vec = torch.randn(4, generator=g, dtype=torch.float32).abs() + 0.5
    init = {"mat": mat.flatten().tolist(), "vec": vec.flatten().tolist()}
    # gradients of very different scales per step, and a zero entry, so bias correction and eps matter
    grads = []
    for t in range(STEPS):
        scale = 10.0 ** (t - 2)
        gm = (torch.randn(3, 4, generator=g) * scale).to(torch.float32)
        gm[0, 0] = 0.0
        gv = (torch.randn(4, generator=g) * scale).to(torch.float32)
        grads.append({"mat": gm.flatten().tolist(), "vec": gv.flatten().tolist()})

    pm = torch.nn.Parameter(mat.clone())
    pv = torch.nn.Parameter(vec.clone())
    # lima decays matrices only (norm weights and biases, 1-D, are not decayed)
    opt = torch.optim.AdamW(
        [{"params": [pm], "weight_decay": WEIGHT_DECAY}, {"params": [pv], "weight_decay": 0.0}],
        lr=LR0, betas=BETAS, eps=EPS, foreach=False, fused=False)
    steps = []
    for t in range(1, STEPS + 1):
        pm.grad = torch.tensor(grads[t - 1]["mat"], dtype=torch.float32).reshape(3, 4)
        pv.grad = torch.tensor(grads[t - 1]["vec"], dtype=torch.float32)
        for group in opt.param_groups:
            group["lr"] = lr_at(t)
        opt.step()
        steps.append({"lr": lr_at(t), "mat": pm.detach().flatten().tolist(), "vec": pv.detach().flatten().tolist()})

    out = {
        "what": "torch.optim.AdamW (foreach=False), float32; written by make_adamw_fixture.py",
        "torch": torch.__version__.split("+")[0],
        "betas": list(BETAS), "eps": EPS, "weight_decay": WEIGHT_DECAY,
        "shapes": {"mat": [3, 4], "vec": [4]},
        "init": init, "grads": grads, "steps": steps,
        "exp_avg": {"mat": opt.state[pm]["exp_avg"].flatten().tolist(), "vec": opt.state[pv]["exp_avg"].flatten().tolist()},
        "exp_avg_sq": {"mat": opt.state[pm]["exp_avg_sq"].flatten().tolist(), "vec": opt.state[pv]["exp_avg_sq"].flatten().tolist()},
    }
    path = pathlib.Path(__file__).with_name("adamw-torch.json")
    path.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
