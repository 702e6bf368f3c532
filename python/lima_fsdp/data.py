"""lima's tokenized datasets (``lima-tokenized-v1``, docs/tokenize.md) read through numpy memory maps, and the
micro-batches of the LIMA loss: inputs ids[0..n-2], targets ids[1..n-1], weight 1 where the target is trained,
right-padded with id 0 and weight 0 to the longest example (lima.train.fit.MaskedLoss.collate)."""

import json
import os

import numpy as np
import torch


class Dataset:
    def __init__(self, folder):
        self.folder = folder
        index = os.path.join(folder, "index.jsonl")
        self.entries = []
        with open(index, encoding="utf-8") as f:
            for line_no, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    e = json.loads(line)
                    self.entries.append((int(e["shard"]), int(e["offset"]), int(e["length"])))
                except (ValueError, KeyError) as ex:
                    raise ValueError(f"{index}:{line_no}: bad index line ({ex})") from None
        self._ids = {}
        self._mask = {}

    def __len__(self):
        return len(self.entries)

    def _maps(self, shard):
        if shard not in self._ids:
            self._ids[shard] = np.memmap(os.path.join(self.folder, f"shard-{shard:05d}.ids"), dtype="<i4", mode="r")
            self._mask[shard] = np.memmap(os.path.join(self.folder, f"shard-{shard:05d}.mask"), dtype=np.uint8, mode="r")
        return self._ids[shard], self._mask[shard]

    def example(self, i, max_len):
        """(ids int64 array, trained bool array) of example i, trimmed to max_len tokens."""
        shard, off, length = self.entries[i]
        ids, mask = self._maps(shard)
        n = min(length, max_len)
        return np.asarray(ids[off:off + n], dtype=np.int64), np.asarray(mask[off:off + n]) != 0


def targets(trained):
    """Trained targets of an example: position k predicts token k+1, so the first token never counts."""
    return int(trained[1:].sum())


def collate(examples):
    """(inputs [B,T] int64, targets [B,T] int64, weights [B,T] fp32, real tokens, trained tokens)."""
    t = max([1] + [len(ids) - 1 for ids, _ in examples])
    b = max(1, len(examples))
    inp = np.zeros((b, t), dtype=np.int64)
    tgt = np.zeros((b, t), dtype=np.int64)
    w = np.zeros((b, t), dtype=np.float32)
    real = 0
    for r, (ids, trained) in enumerate(examples):
        n = len(ids) - 1
        if n <= 0:
            continue
        inp[r, :n] = ids[:-1]
        tgt[r, :n] = ids[1:]
        w[r, :n] = trained[1:]
        real += n
    return torch.from_numpy(inp), torch.from_numpy(tgt), torch.from_numpy(w), real, int(w.sum())
