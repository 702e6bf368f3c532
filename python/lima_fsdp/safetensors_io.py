"""Hugging Face safetensors, read through numpy memory maps and written tensor by tensor.

Only what lima's checkpoints use: F32, F16 and BF16 tensors, one file or shards with
``model.safetensors.index.json``. The header is written exactly as lima's Java SafetensorsWriter
writes it (compact JSON in insertion order, padded with spaces to 8 bytes), so both engines produce
the same layout. No third-party package: the format is an 8-byte length, a JSON header and raw
little-endian data.
"""

import json
import os
import struct

import numpy as np

SINGLE = "model.safetensors"
INDEX = "model.safetensors.index.json"
SHARD_BYTES = 5_000_000_000
_BYTES = {"F32": 4, "F16": 2, "BF16": 2}


class Checkpoint:
    """The tensors of a model folder (single file or sharded), opened lazily as memory maps."""

    def __init__(self, folder):
        self.folder = folder
        self.files = {}  # tensor name -> (path, info, data start)
        single = os.path.join(folder, SINGLE)
        index = os.path.join(folder, INDEX)
        if os.path.isfile(single):
            paths = [single]
        elif os.path.isfile(index):
            with open(index, encoding="utf-8") as f:
                weight_map = json.load(f)["weight_map"]
            paths = [os.path.join(folder, p) for p in sorted(set(weight_map.values()))]
        else:
            raise ValueError(f"{folder}: no {SINGLE} or {INDEX}")
        for p in paths:
            with open(p, "rb") as f:
                (n,) = struct.unpack("<Q", f.read(8))
                header = json.loads(f.read(n))
            for name, info in header.items():
                if name != "__metadata__":
                    self.files[name] = (p, info, 8 + n)

    def names(self):
        return list(self.files)

    def shape(self, name):
        return tuple(self.files[name][1]["shape"])

    def numpy(self, name):
        """The tensor as a read-only float32 numpy array (memory-mapped when stored as F32)."""
        path, info, start = self.files[name]
        dtype = info["dtype"]
        if dtype not in _BYTES:
            raise ValueError(f"{path}: tensor {name} has dtype {dtype}; lima reads F32, F16 and BF16")
        a, b = info["data_offsets"]
        shape = tuple(info["shape"])
        if dtype == "F32":
            return np.memmap(path, dtype="<f4", mode="r", offset=start + a, shape=shape)
        if dtype == "F16":
            return np.memmap(path, dtype="<f2", mode="r", offset=start + a, shape=shape).astype(np.float32)
        raw = np.memmap(path, dtype="<u2", mode="r", offset=start + a, shape=shape)
        return (raw.astype(np.uint32) << 16).view(np.float32)


def header_bytes(entries, dtype):
    """The padded JSON header of one file; ``entries`` is a list of (name, shape)."""
    header = {"__metadata__": {"format": "pt"}}
    off = 0
    for name, shape in entries:
        n = _BYTES[dtype]
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [off, off + n]}
        off += n
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    return raw


def plan_files(entries, dtype, max_shard_bytes=SHARD_BYTES):
    """Splits (name, shape) entries into files as the Java writer does: a new file once the next tensor would pass the limit."""
    shards, cur, cur_bytes = [], [], 0
    for name, shape in entries:
        n = _BYTES[dtype]
        for d in shape:
            n *= d
        if cur and cur_bytes + n > max_shard_bytes:
            shards.append(cur)
            cur, cur_bytes = [], 0
        cur.append((name, shape))
        cur_bytes += n
    if cur or not shards:
        shards.append(cur)
    if len(shards) == 1:
        return [(SINGLE, shards[0])]
    total = len(shards)
    return [(f"model-{i + 1:05d}-of-{total:05d}.safetensors", s) for i, s in enumerate(shards)]


class StreamWriter:
    """Writes a checkpoint whose tensor names, shapes and order are known up front, one tensor at a time.

    Used on the rank that gathers the full weights, so no more than one tensor is ever held whole.
    ``add`` must be called in the declared order.
    """

    def __init__(self, folder, entries, dtype, max_shard_bytes=SHARD_BYTES):
        if dtype not in _BYTES:
            raise ValueError(f"unsupported dtype {dtype}")
        self.folder = folder
        self.dtype = dtype
        self.files = plan_files(entries, dtype, max_shard_bytes)
        self.order = [(fname, name, tuple(shape)) for fname, es in self.files for name, shape in es]
        self.pos = 0
        self.handle = None
        self.current = None

    def add(self, name, tensor_numpy_f32):
        fname, expected, shape = self.order[self.pos]
        if name != expected:
            raise ValueError(f"tensor {name} written out of order (expected {expected})")
        a = np.ascontiguousarray(tensor_numpy_f32, dtype=np.float32)
        if tuple(a.shape) != shape:
            raise ValueError(f"tensor {name} has shape {a.shape}, declared {shape}")
        if fname != self.current:
            self._close_file()
            self.current = fname
            entries = next(es for f, es in self.files if f == fname)
            self.handle = open(os.path.join(self.folder, fname), "wb")
            h = header_bytes(entries, self.dtype)
            self.handle.write(struct.pack("<Q", len(h)))
            self.handle.write(h)
        if self.dtype == "F32":
            self.handle.write(a.astype("<f4", copy=False).tobytes())
        elif self.dtype == "F16":
            self.handle.write(a.astype("<f2").tobytes())
        else:
            self.handle.write(to_bf16_bits(a).tobytes())
        self.pos += 1

    def _close_file(self):
        if self.handle is not None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            self.handle = None

    def close(self):
        if self.pos != len(self.order):
            raise ValueError(f"{len(self.order) - self.pos} tensor(s) were not written")
        self._close_file()
        if len(self.files) > 1:
            weight_map = {name: fname for fname, name, _ in sorted(self.order, key=lambda o: o[1])}
            total = sum(_BYTES[self.dtype] * int(np.prod(s, dtype=np.int64)) for _, _, s in self.order)
            index = {"metadata": {"total_size": total}, "weight_map": weight_map}
            with open(os.path.join(self.folder, INDEX), "w", encoding="utf-8") as f:
                json.dump(index, f, indent=2)
                f.write("\n")
        return [f for f, _ in self.files]


def to_bf16_bits(a):
    """float32 -> bfloat16 bit patterns, rounding to nearest even, as torch and lima.train.safetensors.DType do."""
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(a)
    if nan.any():  # quiet NaN with its sign and payload, as lima's Java writer does
        rounded = np.where(nan, ((bits >> 16) | 0x40).astype(np.uint16), rounded)
    return rounded.astype("<u2")
