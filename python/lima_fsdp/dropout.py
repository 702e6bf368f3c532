"""lima's seeded residual dropout (lima.train.fit.SeededDropout), bit for bit, on any device.

The keep-mask of dataset example ``e`` for branch ``site`` (0 attention, 1 MLP) of layer ``layer`` at optimizer
step ``step`` is drawn in blocks of 64 positions: block ``k``, position by position and hidden unit by hidden unit,
from Java's ``SplittableRandom(Hashing.key(seed, "dropout/<step>/<e>/<layer>/<site>/<k>"))``, two 32-bit draws per
``nextLong()`` (high half first). A unit is dropped when its draw is below ``floor(p * 2^32)``; a kept unit is scaled
by ``1f / (1f - p)`` in float32. So a mask depends on nothing but (seed, step, example, layer, branch): not on the
micro-batch, the rank, the world size or the thread count, and both engines draw the same masks. SplittableRandom
is SplitMix64, computed here with int64 tensor arithmetic (wrapping multiplication, logical shifts by masking).
"""

import hashlib

import numpy as np
import torch

BLOCK = 64
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB


def _s64(x):
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= 1 << 63 else x


def java_key(seed, name):
    """lima.core.Hashing.key: the first 8 bytes of sha256("<seed>:<name>") as a signed big-endian long."""
    d = hashlib.sha256(f"{int(seed)}:{name}".encode("utf-8")).digest()
    return int.from_bytes(d[:8], "big", signed=True)


def _lsr(z, s):
    return (z >> s) & ((1 << (64 - s)) - 1)


def mix64(z):
    """SplittableRandom.mix64 on an int64 tensor."""
    z = (z ^ _lsr(z, 30)) * _s64(_M1)
    z = (z ^ _lsr(z, 27)) * _s64(_M2)
    return z ^ _lsr(z, 31)


def mix64_exact(z):
    """The same with Python integers (the reference the tests hold the tensor version to)."""
    z &= (1 << 64) - 1
    z = ((z ^ (z >> 30)) * _M1) & ((1 << 64) - 1)
    z = ((z ^ (z >> 27)) * _M2) & ((1 << 64) - 1)
    return _s64(z ^ (z >> 31))


def mask(seed, step, examples, layer, site, p, shape, device, dtype):
    """The keep-mask [B, T, H] (0 or 1/(1-p)) of ``examples`` (dataset indices, one per row)."""
    b, t, h = shape
    if len(examples) != b:
        raise ValueError(f"dropout of {tuple(shape)} for {len(examples)} examples")
    p32 = float(np.float32(p))
    threshold = int(np.floor(p32 * 4294967296.0))
    keep = float(np.float32(1) / (np.float32(1) - np.float32(p32)))
    blocks = (t + BLOCK - 1) // BLOCK
    keys = torch.tensor([[java_key(seed, f"dropout/{step}/{e}/{layer}/{site}/{k}") for k in range(blocks)] for e in examples],
                        dtype=torch.int64, device=device)
    pos = torch.arange(t, device=device, dtype=torch.int64)
    blk = pos // BLOCK
    j = (pos - blk * BLOCK)[:, None] * h + torch.arange(h, device=device, dtype=torch.int64)[None, :]  # draw index in its block
    z = keys[:, blk][:, :, None] + (j // 2 + 1)[None] * _s64(_GOLDEN)
    v = mix64(z)
    u = torch.where((j % 2 == 0)[None], _lsr(v, 32), v & 0xFFFFFFFF)
    return torch.where(u >= threshold, keep, 0.0).to(torch.float32).to(dtype)
