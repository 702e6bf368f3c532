"""PyTorch eager reference for bench/train.bench.sh: the same LLaMA, data and step as lima's TrainBench.

A LlamaForCausalLM-shaped model written with plain torch ops (as transformers' eager attention does):
RMSNorm, rotate_half RoPE, causal softmax attention, SwiGLU, untied head; the loss is the mean
cross-entropy over all targets; AdamW (0.9, 0.95, wd 0.1 on matrices only); the global gradient norm
is computed every step as lima does. Prints tokens_per_s=... over the measured steps.
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Layer(nn.Module):
    def __init__(self, d, heads, inter):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.input_layernorm = RMSNorm(d)
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(d, d, bias=False)
        self.v = nn.Linear(d, d, bias=False)
        self.o = nn.Linear(d, d, bias=False)
        self.post_attention_layernorm = RMSNorm(d)
        self.gate = nn.Linear(d, inter, bias=False)
        self.up = nn.Linear(d, inter, bias=False)
        self.down = nn.Linear(inter, d, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, d = x.shape
        h = self.input_layernorm(x)
        q = self.q(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        k = self.k(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        v = self.v(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        s = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.hd) + mask
        p = torch.softmax(s, dim=-1)
        a = torch.matmul(p, v).transpose(1, 2).reshape(b, t, d)
        x = x + self.o(a)
        n = self.post_attention_layernorm(x)
        g = self.gate(n)
        return x + self.down(torch.sigmoid(g) * g * self.up(n))


class Llama(nn.Module):
    def __init__(self, d, layers, heads, inter, vocab, seq):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList(Layer(d, heads, inter) for _ in range(layers))
        self.norm = RMSNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        hd = d // heads
        inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
        f = torch.outer(torch.arange(seq).float(), inv)
        emb = torch.cat((f, f), dim=-1)
        self.register_buffer("cos", emb.cos(), persistent=False)
        self.register_buffer("sin", emb.sin(), persistent=False)
        self.register_buffer("mask", torch.full((seq, seq), float("-inf")).triu(1), persistent=False)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.embed(ids)
        cos, sin, mask = self.cos[:t], self.sin[:t], self.mask[:t, :t]
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.lm_head(self.norm(x))


def main():
    hidden, layers, heads, inter, vocab, seq, batch, steps, warmup, threads = map(int, sys.argv[1:11])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = Llama(hidden, layers, heads, inter, vocab, seq)
    n = sum(p.numel() for p in model.parameters())
    print(f"torch {torch.__version__}: {n:,} parameters, seq {seq}, batch {batch}, threads {threads}")
    decay = [p for p in model.parameters() if p.dim() > 1]
    no_decay = [p for p in model.parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
    ids = torch.randint(0, vocab, (batch, seq + 1))
    inputs, targets = ids[:, :-1], ids[:, 1:]
    t0 = None
    for s in range(warmup + steps):
        if s == warmup:
            t0 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, vocab), targets.reshape(-1), reduction="sum") / (batch * seq)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), float("inf"))
        opt.step()
    secs = time.perf_counter() - t0
    print(f"torch: last loss {loss.item():.4f}")
    print(f"tokens_per_s={steps * batch * seq / secs:.1f}")


if __name__ == "__main__":
    main()
