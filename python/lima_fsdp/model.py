"""The LLaMA of lima.train.model in PyTorch (no transformers): token embedding, decoder layers, final
RMSNorm and the output head (tied to the embedding or its own lm_head), parameters named as in
Hugging Face checkpoints.

Each decoder layer is ``h = x + drop(attn(rmsnorm(x)))``, ``out = h + drop(mlp(rmsnorm(h)))`` (residual dropout
with lima's seeded masks, see dropout.py): grouped-query causal self-attention with rotary positions in the Hugging Face layout (``x*cos + rotate_half(x)*sin``, angles
in fp32) and a SwiGLU MLP ``down(silu(gate(x)) * up(x))``. Residual dropout is set per layer. RMSNorm computes
its statistics in fp32 and casts back before the weight; the attention softmax and the logits are fp32, as in
transformers, so a bf16 run differs from fp32 only by rounding.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from . import dropout


class Config:
    """The fields of a Hugging Face LlamaForCausalLM config.json that the model needs."""

    def __init__(self, d):
        self.hidden = int(d["hidden_size"])
        self.layers = int(d["num_hidden_layers"])
        self.heads = int(d["num_attention_heads"])
        self.kv_heads = int(d.get("num_key_value_heads") or self.heads)
        self.intermediate = int(d["intermediate_size"])
        self.vocab = int(d["vocab_size"])
        self.max_pos = int(d.get("max_position_embeddings", 2048))
        self.eps = float(d.get("rms_norm_eps", 1e-6))
        self.theta = float(d.get("rope_theta", 10000.0))
        self.tied = bool(d.get("tie_word_embeddings", False))
        self.head_dim = int(d.get("head_dim") or self.hidden // self.heads)
        if d.get("model_type", "llama") != "llama":
            raise ValueError(f"model_type is {d.get('model_type')!r}; only 'llama' is supported")
        if self.heads % self.kv_heads:
            raise ValueError(f"num_key_value_heads {self.kv_heads} must divide num_attention_heads {self.heads}")

    def tensor_shapes(self):
        """Every weight with its shape, in lima's order (LlamaConfig.expectedTensors); no lm_head when tied."""
        q, kv, h, i = self.heads * self.head_dim, self.kv_heads * self.head_dim, self.hidden, self.intermediate
        out = [("model.embed_tokens.weight", (self.vocab, h))]
        for n in range(self.layers):
            p = f"model.layers.{n}."
            out += [
                (p + "input_layernorm.weight", (h,)),
                (p + "self_attn.q_proj.weight", (q, h)),
                (p + "self_attn.k_proj.weight", (kv, h)),
                (p + "self_attn.v_proj.weight", (kv, h)),
                (p + "self_attn.o_proj.weight", (h, q)),
                (p + "post_attention_layernorm.weight", (h,)),
                (p + "mlp.gate_proj.weight", (i, h)),
                (p + "mlp.up_proj.weight", (i, h)),
                (p + "mlp.down_proj.weight", (h, i)),
            ]
        out.append(("model.norm.weight", (h,)))
        if not self.tied:
            out.append(("lm_head.weight", (self.vocab, h)))
        return out


class RMSNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        xf = x.float()
        var = xf.mul(xf).mean(-1, keepdim=True)
        # lima: x / sqrt(var + eps) (DJL has no rsqrt); the same up to one rounding
        return xf.div(var.add(self.eps).sqrt()).to(x.dtype).mul(self.weight)


def rope_tables(head_dim, length, theta, device, dtype):
    """cos and signed sin ([-sin | sin] over the two halves), [T, D], rounded step by step as lima's Rope:
    the exponent 2i/d and the angle p*inv_freq in fp32, the power and the cos/sin in fp64, cast to fp32."""
    half = head_dim // 2
    exponent = (np.arange(half) * 2).astype(np.float32) / np.float32(head_dim)
    inv = (1.0 / np.power(float(theta), exponent.astype(np.float64))).astype(np.float32)
    ang = np.arange(length).astype(np.float32)[:, None] * inv[None, :]
    cos = np.cos(ang.astype(np.float64)).astype(np.float32)
    sin = np.sin(ang.astype(np.float64)).astype(np.float32)
    cos_t = torch.from_numpy(np.concatenate([cos, cos], -1))
    sin_t = torch.from_numpy(np.concatenate([-sin, sin], -1))
    return cos_t.to(device=device, dtype=dtype), sin_t.to(device=device, dtype=dtype)


def apply_rope(x, cos, sin_signed):
    half = x.shape[-1] // 2
    swapped = torch.cat([x[..., half:], x[..., :half]], -1)
    return x * cos + swapped * sin_signed


class DecoderLayer(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.input_layernorm = RMSNorm(c.hidden, c.eps)
        self.self_attn = nn.Module()
        self.self_attn.q_proj = nn.Linear(c.hidden, c.heads * c.head_dim, bias=False)
        self.self_attn.k_proj = nn.Linear(c.hidden, c.kv_heads * c.head_dim, bias=False)
        self.self_attn.v_proj = nn.Linear(c.hidden, c.kv_heads * c.head_dim, bias=False)
        self.self_attn.o_proj = nn.Linear(c.heads * c.head_dim, c.hidden, bias=False)
        self.post_attention_layernorm = RMSNorm(c.hidden, c.eps)
        self.mlp = nn.Module()
        self.mlp.gate_proj = nn.Linear(c.hidden, c.intermediate, bias=False)
        self.mlp.up_proj = nn.Linear(c.hidden, c.intermediate, bias=False)
        self.mlp.down_proj = nn.Linear(c.intermediate, c.hidden, bias=False)
        self.dropout = 0.0
        self.index = 0
        self.masks = {}  # shared with the model: "seed", "step", "examples" of the pass, or empty

    def forward(self, x, cos, sin):
        c = self.c
        b, t, _ = x.shape
        a = self.self_attn
        h = self.input_layernorm(x)
        q = a.q_proj(h).view(b, t, c.heads, c.head_dim).transpose(1, 2)
        k = a.k_proj(h).view(b, t, c.kv_heads, c.head_dim).transpose(1, 2)
        v = a.v_proj(h).view(b, t, c.kv_heads, c.head_dim).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        g = c.heads // c.kv_heads
        if g > 1:  # transformers' repeat_kv: query head j*g+i uses key/value head j
            k = k[:, :, None].expand(b, c.kv_heads, g, t, c.head_dim).reshape(b, c.heads, t, c.head_dim)
            v = v[:, :, None].expand(b, c.kv_heads, g, t, c.head_dim).reshape(b, c.heads, t, c.head_dim)
        if q.dtype == torch.float32:
            # fp32 (CPU, parity with lima's DJL engine): scores, mask and softmax spelled out
            scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(c.head_dim))
            mask = torch.full((t, t), float("-inf"), device=x.device).triu(1)
            attn = torch.matmul(torch.softmax(scores + mask, -1), v)
        else:
            attn = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        attn = attn.transpose(1, 2).reshape(b, t, c.heads * c.head_dim)
        h1 = x + self._drop(a.o_proj(attn), 0)
        m = self.mlp
        n2 = self.post_attention_layernorm(h1)
        act = F.silu(m.gate_proj(n2)) * m.up_proj(n2)
        return h1 + self._drop(m.down_proj(act), 1)

    def _drop(self, y, site):
        """Residual dropout of branch ``site`` (0 attention, 1 MLP): lima's seeded masks when the pass has them."""
        if not self.training or self.dropout <= 0:
            return y
        if self.masks:
            return y * dropout.mask(self.masks["seed"], self.masks["step"], self.masks["examples"], self.index, site, self.dropout, y.shape, y.device, y.dtype)
        return F.dropout(y, self.dropout, True)


class Llama(nn.Module):
    """LlamaForCausalLM; ``forward(ids [B, T] int64) -> logits [B, T, V]`` in fp32."""

    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.model = nn.Module()
        self.model.embed_tokens = nn.Embedding(c.vocab, c.hidden)
        self.model.layers = nn.ModuleList(DecoderLayer(c) for _ in range(c.layers))
        self.model.norm = RMSNorm(c.hidden, c.eps)
        self.lm_head = None if c.tied else nn.Linear(c.hidden, c.vocab, bias=False)
        self.activation_checkpointing = False
        self._rope = {}
        self.masks = {}
        for i, layer in enumerate(self.model.layers):
            layer.index = i
            layer.masks = self.masks

    def set_dropout_masks(self, seed, step, examples):
        """The next passes draw lima's seeded masks for these dataset examples (one per row); None: torch's dropout."""
        self.masks.clear()
        if examples is not None:
            self.masks.update(seed=int(seed), step=int(step), examples=[int(e) for e in examples])

    def set_residual_dropout(self, rates):
        if len(rates) != len(self.model.layers):
            raise ValueError(f"{len(rates)} dropout rates for {len(self.model.layers)} layers")
        for layer, p in zip(self.model.layers, rates):
            if not 0 <= p < 1:
                raise ValueError(f"residual dropout must be in [0, 1): {p}")
            layer.dropout = float(p)

    def residual_dropout(self):
        return [layer.dropout for layer in self.model.layers]

    def hf_parameters(self):
        """name -> parameter in Hugging Face naming and lima's order (the head only when untied)."""
        own = dict(self.named_parameters())
        out = {}
        for name, _ in self.c.tensor_shapes():
            out[name] = own[name]
        return out

    def _tables(self, t, device, dtype):
        key = (t, str(device), dtype)
        if key not in self._rope:
            self._rope = {key: rope_tables(self.c.head_dim, t, self.c.theta, device, dtype)}
        return self._rope[key]

    def forward(self, ids):
        if ids.shape[1] > self.c.max_pos:
            raise ValueError(f"{ids.shape[1]} positions exceed max_position_embeddings {self.c.max_pos}")
        x = self.model.embed_tokens(ids)
        cos, sin = self._tables(ids.shape[1], x.device, x.dtype)
        for layer in self.model.layers:
            if self.activation_checkpointing and self.training:
                x = checkpoint(layer, x, cos, sin, use_reentrant=False)
            else:
                x = layer(x, cos, sin)
        x = self.model.norm(x)
        w = self.model.embed_tokens.weight if self.lm_head is None else self.lm_head.weight
        return F.linear(x, w).float()
