"""Unit tests of the fsdp worker's parts that need no process group: safetensors, data, the model.

Run: python -m unittest discover -s python/tests (JUnit's PythonWorkerTest runs them in make test)."""

import json
import os
import struct
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from lima_fsdp import data, model, safetensors_io  # noqa: E402


def tiny_config(**kw):
    d = {"hidden_size": 16, "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 2,
         "intermediate_size": 24, "vocab_size": 30, "max_position_embeddings": 64, "rms_norm_eps": 1e-5,
         "rope_theta": 10000.0, "tie_word_embeddings": False}
    d.update(kw)
    return model.Config(d)


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_and_java_header(self):
        with tempfile.TemporaryDirectory() as tmp:
            a = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
            b = np.array([1.5, -2.25], dtype=np.float32)
            w = safetensors_io.StreamWriter(tmp, [("a", (2, 3)), ("b", (2,))], "F32")
            w.add("a", a)
            w.add("b", b)
            self.assertEqual(["model.safetensors"], w.close())
            with open(os.path.join(tmp, "model.safetensors"), "rb") as f:
                raw = f.read()
            (n,) = struct.unpack("<Q", raw[:8])
            self.assertEqual(0, n % 8)
            # the layout lima's Java SafetensorsWriter writes: compact JSON in insertion order, space padding
            self.assertEqual(b'{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},'
                             b'"b":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}}', raw[8:8 + n].rstrip(b" "))
            ck = safetensors_io.Checkpoint(tmp)
            np.testing.assert_array_equal(a, ck.numpy("a"))
            np.testing.assert_array_equal(b, ck.numpy("b"))

    def test_shards_past_the_limit_with_index(self):
        with tempfile.TemporaryDirectory() as tmp:
            w = safetensors_io.StreamWriter(tmp, [("x", (4,)), ("y", (4,)), ("z", (4,))], "F32", max_shard_bytes=20)
            for name in "xyz":
                w.add(name, np.full(4, ord(name), dtype=np.float32))
            files = w.close()
            self.assertEqual(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"], files)
            with open(os.path.join(tmp, "model.safetensors.index.json")) as f:
                index = json.load(f)
            self.assertEqual(48, index["metadata"]["total_size"])
            self.assertEqual("model-00002-of-00003.safetensors", index["weight_map"]["y"])
            np.testing.assert_array_equal(np.full(4, ord("z"), dtype=np.float32), safetensors_io.Checkpoint(tmp).numpy("z"))

    def test_out_of_order_tensor_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            w = safetensors_io.StreamWriter(tmp, [("a", (1,)), ("b", (1,))], "F32")
            with self.assertRaises(ValueError):
                w.add("b", np.zeros(1, dtype=np.float32))

    def test_bf16_rounds_to_nearest_even_like_torch(self):
        x = torch.randn(4096, generator=torch.Generator().manual_seed(1)) * 3
        x[0], x[1] = 1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8  # ties: to even
        ours = safetensors_io.to_bf16_bits(x.numpy())
        theirs = x.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
        np.testing.assert_array_equal(theirs, ours)

    def test_bf16_file_reads_back_as_torch_rounds(self):
        with tempfile.TemporaryDirectory() as tmp:
            x = (torch.arange(10, dtype=torch.float32) / 3).numpy()
            w = safetensors_io.StreamWriter(tmp, [("x", (10,))], "BF16")
            w.add("x", x)
            w.close()
            back = safetensors_io.Checkpoint(tmp).numpy("x")
            np.testing.assert_array_equal(torch.from_numpy(x).to(torch.bfloat16).float().numpy(), back)


class DataTest(unittest.TestCase):
    def write(self, tmp, examples):
        ids, mask, off = [], [], 0
        with open(os.path.join(tmp, "index.jsonl"), "w") as f:
            for i, (t, m) in enumerate(examples):
                f.write(json.dumps({"i": i, "shard": 0, "offset": off, "length": len(t), "original_length": len(t), "trained": sum(m)}) + "\n")
                ids += t
                mask += m
                off += len(t)
        np.array(ids, dtype="<i4").tofile(os.path.join(tmp, "shard-00000.ids"))
        np.array(mask, dtype=np.uint8).tofile(os.path.join(tmp, "shard-00000.mask"))

    def test_collate_shifts_pads_and_weights_as_masked_loss(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.write(tmp, [([1, 5, 6, 3], [0, 0, 1, 1]), ([1, 7, 3], [0, 1, 1])])
            ds = data.Dataset(tmp)
            ex = [ds.example(0, 100), ds.example(1, 100)]
            self.assertEqual(2, data.targets(ex[0][1]))
            inp, tgt, w, real, trained = data.collate(ex)
            self.assertEqual([[1, 5, 6], [1, 7, 0]], inp.tolist())
            self.assertEqual([[5, 6, 3], [7, 3, 0]], tgt.tolist())
            self.assertEqual([[0, 1, 1], [1, 1, 0]], w.tolist())
            self.assertEqual((5, 4), (real, trained))

    def test_empty_micro_batch_is_one_weightless_pad(self):
        inp, tgt, w, real, trained = data.collate([])
        self.assertEqual((1, 1), tuple(inp.shape))
        self.assertEqual((0, 0, 0.0), (real, trained, float(w.sum())))

    def test_bad_index_line_names_the_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "index.jsonl"), "w") as f:
                f.write('{"shard": 0, "offset": 0}\n')
            with self.assertRaisesRegex(ValueError, r"index.jsonl:1"):
                data.Dataset(tmp)


class SeededDropoutTest(unittest.TestCase):
    def test_java_hashing_key_and_splittable_random(self):
        from lima_fsdp import dropout
        # values printed by Java: Hashing.key(7, "dropout/3/5/1/0/1"), new SplittableRandom(42).nextLong()
        self.assertEqual(312719637583719475, dropout.java_key(7, "dropout/3/5/1/0/1"))
        self.assertEqual(-4767286540954276203, dropout.mix64_exact(42 + dropout._GOLDEN))

    def test_tensor_splitmix_wraps_like_java(self):
        from lima_fsdp import dropout
        g = np.random.default_rng(3)
        zs = [int(x) for x in g.integers(-2**63, 2**63 - 1, size=2000, dtype=np.int64)]
        got = dropout.mix64(torch.tensor(zs, dtype=torch.int64)).tolist()
        self.assertEqual([dropout.mix64_exact(z) for z in zs], got)

    def test_mask_depends_on_the_example_not_the_batch(self):
        from lima_fsdp import dropout
        both = dropout.mask(42, 3, [5, 9], 1, 0, 0.3, (2, 130, 8), "cpu", torch.float32)
        alone = dropout.mask(42, 3, [9], 1, 0, 0.3, (1, 70, 8), "cpu", torch.float32)
        torch.testing.assert_close(both[1:, :70], alone, rtol=0, atol=0)
        self.assertAlmostEqual(0.3, (both == 0).float().mean().item(), delta=0.05)
        self.assertEqual({0.0, float(np.float32(1) / np.float32(0.7))}, set(both.unique().tolist()))
        other = dropout.mask(42, 3, [5, 9], 1, 1, 0.3, (2, 130, 8), "cpu", torch.float32)
        self.assertFalse(torch.equal(both, other), "the MLP branch draws its own mask")


class ModelTest(unittest.TestCase):
    def test_dropout_rates_are_set_per_layer(self):
        m = model.Llama(tiny_config())
        m.set_residual_dropout([0.0, 0.1, 0.2, 0.3])
        self.assertEqual([0.0, 0.1, 0.2, 0.3], m.residual_dropout())
        with self.assertRaises(ValueError):
            m.set_residual_dropout([0.1])

    def test_parameter_names_and_order_are_hugging_faces(self):
        c = tiny_config()
        m = model.Llama(c)
        self.assertEqual([n for n, _ in c.tensor_shapes()], list(m.hf_parameters()))
        self.assertEqual(sorted(n for n, _ in m.named_parameters()), sorted(m.hf_parameters()))
        tied = model.Llama(tiny_config(tie_word_embeddings=True))
        self.assertNotIn("lm_head.weight", tied.hf_parameters())

    def test_causal_gqa_forward_matches_a_plain_reference(self):
        torch.manual_seed(0)
        c = tiny_config()
        m = model.Llama(c).eval()
        for p in m.parameters():
            torch.nn.init.normal_(p, std=0.2)
        ids = torch.randint(0, c.vocab, (2, 7))
        logits = m(ids)
        # reference: repeat_interleave for GQA, explicit rotate_half, float64
        ref = self.reference(m, c, ids)
        torch.testing.assert_close(logits.double(), ref, rtol=1e-4, atol=1e-4)
        # causal: a later token does not change earlier logits
        ids2 = ids.clone()
        ids2[:, -1] = (ids2[:, -1] + 1) % c.vocab
        torch.testing.assert_close(m(ids2)[:, :-1], logits[:, :-1])

    def reference(self, m, c, ids):
        sd = {k: v.detach().double() for k, v in m.state_dict().items()}
        x = sd["model.embed_tokens.weight"][ids]
        t = ids.shape[1]
        inv = 1.0 / (c.theta ** (torch.arange(0, c.head_dim, 2, dtype=torch.float64) / c.head_dim))
        ang = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]
        cos, sin = torch.cat([ang.cos(), ang.cos()], -1), torch.cat([ang.sin(), ang.sin()], -1)

        def rot(v):
            h = v.shape[-1] // 2
            return v * cos + torch.cat([-v[..., h:], v[..., :h]], -1) * sin

        def norm(v, w):
            return v / torch.sqrt(v.pow(2).mean(-1, keepdim=True) + c.eps) * w

        for i in range(c.layers):
            p = f"model.layers.{i}."
            h = norm(x, sd[p + "input_layernorm.weight"])
            q = (h @ sd[p + "self_attn.q_proj.weight"].T).view(2, t, c.heads, c.head_dim).transpose(1, 2)
            k = (h @ sd[p + "self_attn.k_proj.weight"].T).view(2, t, c.kv_heads, c.head_dim).transpose(1, 2)
            v = (h @ sd[p + "self_attn.v_proj.weight"].T).view(2, t, c.kv_heads, c.head_dim).transpose(1, 2)
            q, k = rot(q), rot(k)
            g = c.heads // c.kv_heads
            k, v = k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)
            s = q @ k.transpose(-1, -2) / c.head_dim ** 0.5
            s = s + torch.full((t, t), float("-inf"), dtype=torch.float64).triu(1)
            a = (s.softmax(-1) @ v).transpose(1, 2).reshape(2, t, -1)
            x = x + a @ sd[p + "self_attn.o_proj.weight"].T
            n2 = norm(x, sd[p + "post_attention_layernorm.weight"])
            gt = n2 @ sd[p + "mlp.gate_proj.weight"].T
            x = x + (torch.nn.functional.silu(gt) * (n2 @ sd[p + "mlp.up_proj.weight"].T)) @ sd[p + "mlp.down_proj.weight"].T
        x = norm(x, sd["model.norm.weight"])
        return x @ sd["lm_head.weight"].T

    def test_dropout_is_off_in_eval_and_seeded_in_training(self):
        c = tiny_config()
        m = model.Llama(c)
        m.set_residual_dropout([0.0, 0.1, 0.2, 0.3])
        ids = torch.randint(0, c.vocab, (1, 9))
        m.eval()
        torch.testing.assert_close(m(ids), m(ids))
        m.train()
        torch.manual_seed(5)
        a = m(ids)
        torch.manual_seed(5)
        b = m(ids)
        torch.manual_seed(6)
        d = m(ids)
        torch.testing.assert_close(a, b)
        self.assertFalse(torch.equal(a, d))

    def test_bf16_forward_stays_close_to_fp32(self):
        torch.manual_seed(0)
        c = tiny_config()
        m = model.Llama(c)
        ids = torch.randint(0, c.vocab, (2, 11))
        ref = m.eval()(ids)
        got = m.to(torch.bfloat16)(ids)
        self.assertEqual(torch.float32, got.dtype)
        torch.testing.assert_close(got, ref, rtol=0.05, atol=0.05)


if __name__ == "__main__":
    unittest.main()
