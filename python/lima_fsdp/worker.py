"""One rank of ``lima train --engine fsdp``, started by ``python -m torch.distributed.run ... -m lima_fsdp SPEC``.

The run spec (written by lima, see docs/train.md) holds the resolved recipe, the inputs and the whole step
schedule: for every optimizer step the example ids of each micro-batch with its rank and dropout seed, the
learning rate and the trained tokens of the global batch. This worker follows it and re-derives nothing.

Sharding: ``fully_shard`` on every decoder layer and on the root (FSDP2), bf16 parameters with fp32 gradient
reduction (MixedPrecisionPolicy) or plain fp32, optional CPUOffloadPolicy, optional activation checkpointing
per layer. AdamW (torch.optim.AdamW, decay on matrices only) updates the fp32 sharded master weights.

Loss: each micro-batch contributes sum(-log p(target) * trained) / trained tokens of the global batch, and the
ranks' gradients add up (scaled by the world size where FSDP averages; see _calibrate_reduction), which is
exactly the loss of lima's DJL engine.

Outputs (rank 0 unless said): ``metrics.jsonl`` appended per step, checkpoints ``epoch-K/`` and ``step-N/``
written to ``.NAME.tmp/`` and renamed (Hugging Face weights gathered one tensor at a time, plus ``dcp/``, a
sharded torch.distributed.checkpoint of model and optimizer written by every rank), ``final/`` as hard links,
events as JSON lines on stdout for lima's progress line, and ``logs/rank-N.log`` (every rank) with
``logs/error-rank-N.txt`` holding a one-line error when a rank fails.
"""

import datetime
import json
import math
import os
import shutil
import signal
import sys
import threading
import time
import traceback

MIN_TORCH = (2, 7)


class RunError(Exception):
    """A failure to report in one line (no traceback needed)."""


def _version_tuple(v):
    parts = []
    for p in v.split("+")[0].split(".")[:2]:
        digits = "".join(ch for ch in p if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def main(argv):
    if len(argv) != 1:
        print("usage: python -m torch.distributed.run [...] -m lima_fsdp RUN-SPEC.json", file=sys.stderr)
        return 2
    spec_path = argv[0]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    rank = int(os.environ.get("RANK", "0"))
    out = spec["out"]
    logs = os.path.join(out, "logs")
    os.makedirs(logs, exist_ok=True)
    events = None
    if rank == 0:
        events = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    log = open(os.path.join(logs, f"rank-{rank}.log"), "a", buffering=1, encoding="utf-8")
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8")
    sys.stderr = os.fdopen(2, "w", buffering=1, encoding="utf-8")
    print(f"{datetime.datetime.now(datetime.timezone.utc).isoformat()} rank {rank} pid {os.getpid()} spec {spec_path}", flush=True)
    err_file = os.path.join(logs, f"error-rank-{rank}.txt")
    _watch_launcher(err_file)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        Worker(spec, rank, events).run()
        return 0
    except BaseException as e:  # one line for lima, the traceback for the log
        traceback.print_exc()
        if isinstance(e, (RunError, KeyboardInterrupt)):
            msg = str(e) or type(e).__name__
        else:
            msg = f"{type(e).__name__}: {e}".splitlines()[0] if str(e) else type(e).__name__
        msg = f"rank {rank}: {msg}"
        with open(err_file, "w", encoding="utf-8") as f:
            f.write(msg + "\n")
        if events is not None:
            try:
                _emit(events, {"event": "error", "rank": rank, "message": msg})
            except Exception:  # the launcher may be gone: the error file says it
                pass
        sys.stdout.flush()
        sys.stderr.flush()
        # no orderly shutdown: the other ranks may be waiting in a collective; torchrun stops them
        os._exit(1)


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signal.Signals(signum).name}")


def _watch_launcher(err_file):
    """Stops this rank when lima (the launcher on this node) is gone, e.g. after kill -9."""
    pid = os.environ.get("LIMA_LAUNCHER_PID")
    if not pid:
        return

    def watch():
        while True:
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                with open(err_file, "w", encoding="utf-8") as f:
                    f.write(f"rank {os.environ.get('RANK', '0')}: the launcher (lima, pid {pid}) is gone; stopping\n")
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch, name="launcher-watch", daemon=True).start()


def _emit(stream, event):
    try:
        stream.write("@lima " + json.dumps(event, separators=(",", ":")) + "\n")
        stream.flush()
    except BrokenPipeError:
        if os.environ.get("LIMA_LAUNCHER_PID"):
            raise RunError("the launcher (lima) is gone: its pipe closed; stopping") from None
        raise


class Worker:
    def __init__(self, spec, rank, events):
        self.spec = spec
        self.rank = rank
        self.events = events

    # ---- set-up ----

    def run(self):
        import torch

        if _version_tuple(torch.__version__) < MIN_TORCH:
            raise RunError(f"torch {torch.__version__} is older than 2.7, which FSDP2 (fully_shard) needs; install torch>=2.7 (make venv)")
        import torch.distributed as dist
        from torch.distributed.device_mesh import init_device_mesh

        spec = self.spec
        settings = spec["settings"]
        config = spec["config"]
        self.torch = torch
        self.dist = dist
        gpu = settings["device"] == "gpu"
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if gpu:
            if not torch.cuda.is_available():
                raise RunError("--device gpu: torch sees no CUDA device (torch " + torch.__version__ + ")")
            torch.cuda.set_device(local_rank)
            self.device = torch.device("cuda", local_rank)
            backend = "nccl"
        else:
            self.device = torch.device("cpu")
            backend = "gloo"
        if int(config.get("threads", 0)) > 0:
            torch.set_num_threads(int(config["threads"]))
        dist.init_process_group(backend, timeout=datetime.timedelta(seconds=int(settings.get("timeout_s", 1800))))
        self.world = dist.get_world_size()
        self.mesh = init_device_mesh(self.device.type, (self.world,))
        self.dtype = torch.bfloat16 if settings["dtype"] == "bf16" else torch.float32
        self.offload = bool(settings.get("cpu_offload", False))
        try:
            self._train()
        finally:
            if self.rank == 0:
                _release_lock(self)

    def _build(self, resume):
        torch = self.torch
        from torch.distributed.tensor import distribute_tensor

        from . import model as M
        from .safetensors_io import Checkpoint

        spec = self.spec
        cfg = M.Config(spec["model_config"])
        with torch.device("meta"):
            model = M.Llama(cfg)
        model.set_residual_dropout(spec["dropout"])
        model.activation_checkpointing = bool(spec["settings"].get("activation_checkpointing", False))
        mp, offload = shard(model, self.mesh, self.dtype == torch.bfloat16, self.offload)

        # Weights: each rank reads its own rows of every tensor from the memory-mapped safetensors (no rank
        # holds the whole model); the EOT rows are grown from the mean row exactly as lima does. On resume the
        # values come from the DCP checkpoint, so start from zeros.
        ck = None if resume else Checkpoint(spec["model"]["path"])
        sharded = {}
        for name, param in model.state_dict().items():
            shape = tuple(param.shape)
            if ck is None:
                full = torch.zeros(shape, dtype=torch.float32)
            else:
                if name not in ck.files:
                    raise RunError(f"{spec['model']['path']}: missing tensor {name}")
                full = torch.from_numpy(ck.numpy(name).copy())
                if full.shape[0] < shape[0] and name in ("model.embed_tokens.weight", "lm_head.weight"):
                    extra = shape[0] - full.shape[0]
                    mean = full.mean(0, keepdim=True)
                    full = torch.cat([full, mean.repeat(extra, 1)], 0)
                if tuple(full.shape) != shape:
                    raise RunError(f"{spec['model']['path']}: tensor {name} has shape {tuple(full.shape)}, the model needs {shape}")
            dt = distribute_tensor(full.to(self.device), self.mesh, param.placements, src_data_rank=None)
            if self.offload:
                dt = dt.cpu()
            sharded[name] = torch.nn.Parameter(dt)
        model.load_state_dict(sharded, assign=True, strict=True)
        self.grad_scale = self._calibrate_reduction(mp, offload)
        self.model = model
        self.cfg = cfg
        params = model.hf_parameters()
        self.names = list(params)
        c = spec["config"]
        decay = [p for p in params.values() if p.ndim > 1]
        no_decay = [p for p in params.values() if p.ndim <= 1]
        self.opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": float(c["weight-decay"])}, {"params": no_decay, "weight_decay": 0.0}],
            lr=float(c["lr"]), betas=(float(c["beta1"]), float(c["beta2"])), eps=float(c["eps"]),
            # one tensor at a time on CPU (the djl engine's order of operations); the multi-tensor kernels on GPU
            foreach=None if self.device.type == "cuda" else False)

    def _calibrate_reduction(self, mp, offload):
        """The factor that makes FSDP's gradient reduction a sum over ranks.

        FSDP2 averages gradients over ranks with the backend's AVG where it has one (NCCL) and some versions and
        backends sum instead (gloo's reduce-scatter has no AVG). The LIMA loss is a sum over the global batch
        divided by its trained tokens, so the ranks' gradients must add up: one backward pass of a one-row-per-rank
        module through the same FSDP settings shows what the reduction does, whatever the torch version."""
        torch = self.torch
        from torch.distributed.fsdp import fully_shard

        probe = torch.nn.Linear(1, self.world, bias=False, device=self.device)
        with torch.no_grad():
            probe.weight.fill_(1.0)
        fully_shard(probe, mesh=self.mesh, mp_policy=mp, offload_policy=offload)
        probe(torch.ones(1, 1, device=self.device)).sum().backward()
        got = float(probe.weight.grad.to_local().float().sum().item())
        if abs(got - self.world) < 1e-6:
            return 1.0
        if abs(got - 1.0) < 1e-6:
            return float(self.world)
        raise RunError(f"FSDP reduced a gradient of 1 per rank over {self.world} ranks to {got}; cannot tell sum from mean")

    def _load_dcp(self, folder):
        import torch.distributed.checkpoint as dcp
        from torch.distributed.checkpoint.state_dict import (get_model_state_dict, get_optimizer_state_dict,
                                                             set_model_state_dict, set_optimizer_state_dict)

        state = {"model": get_model_state_dict(self.model), "optim": get_optimizer_state_dict(self.model, self.opt)}
        dcp.load(state, checkpoint_id=os.path.join(folder, "dcp"))
        set_model_state_dict(self.model, state["model"])
        set_optimizer_state_dict(self.model, self.opt, state["optim"])

    # ---- the loop ----

    def _train(self):
        torch, dist, spec = self.torch, self.dist, self.spec
        from .data import Dataset, collate, targets

        out = spec["out"]
        resume = spec.get("resume")
        if self.rank == 0:
            _take_lock(self, out)
        self._build(resume is not None)
        if resume is not None:
            self._load_dcp(resume["checkpoint"])
        self.model.train()
        print("residual dropout per layer: " + json.dumps(self.model.residual_dropout()), flush=True)
        print(f"world {self.world}, device {self.device}, dtype {spec['settings']['dtype']}, cpu offload {self.offload}, "
              f"activation checkpointing {self.model.activation_checkpointing}, gradient scale {self.grad_scale}", flush=True)
        ds = Dataset(spec["data"]["path"])
        max_len = int(spec["max_len"])
        steps = spec["steps"]
        total = int(spec["total_steps"])
        per_epoch = int(spec["steps_per_epoch"])
        done = int(resume["step"]) if resume else 0
        stop_after = int(spec["config"].get("stop-after", 0))
        save_every = int(spec["config"].get("save-every", 0))
        clip = float(spec["config"].get("clip", 0))
        dropout_seed = int(spec["config"]["seed"])
        if self.rank == 0:
            _emit(self.events, {"event": "start", "world": self.world, "torch": torch.__version__, "step": done, "total": total,
                                "dtype": spec["settings"]["dtype"], "device": spec["settings"]["device"],
                                "dropout": self.model.residual_dropout()})
        this_run = 0
        last_loss = None
        for st in steps[done:]:
            step = int(st["step"])
            epoch = int(st["epoch"])
            t0 = time.perf_counter()
            lr = float(st["lr"])
            trained_total = int(st["trained_tokens"])
            mine = [m for m in st["micro_batches"] if int(m["rank"]) == self.rank]
            slots = max([0] + [sum(1 for m in st["micro_batches"] if int(m["rank"]) == r) for r in range(self.world)])
            for g in self.opt.param_groups:
                g["lr"] = lr
            self.opt.zero_grad(set_to_none=True)
            loss_part = 0.0
            real = 0
            trained_seen = 0
            if trained_total > 0:
                for k in range(slots):
                    if k < len(mine):
                        ids = [int(i) for i in mine[k]["ids"]]
                        examples = [ds.example(i, max_len) for i in ids]
                        self.model.set_dropout_masks(dropout_seed, step, ids)
                    else:  # this rank has fewer micro-batches: a weightless pass keeps the collectives in step
                        examples = []
                        self.model.set_dropout_masks(None, None, None)
                    inp, tgt, w, n_real, n_trained = collate(examples)
                    real += n_real
                    trained_seen += n_trained
                    logits = self.model(inp.to(self.device))
                    logp = torch.log_softmax(logits, -1)
                    picked = logp.gather(-1, tgt.to(self.device).unsqueeze(-1)).squeeze(-1)
                    summed = (picked * w.to(self.device)).sum().neg()
                    share = summed / torch.tensor(float(trained_total), dtype=torch.float32, device=self.device)
                    if n_trained > 0:
                        loss_part += share.item()
                    (share * self.grad_scale).backward() if self.grad_scale != 1.0 else share.backward()
            else:
                for m in mine:
                    for i in m["ids"]:
                        real += max(0, len(ds.example(int(i), max_len)[0]) - 1)
            sums = torch.tensor([loss_part, float(real), float(trained_seen)], dtype=torch.float64, device=self.device)
            dist.all_reduce(sums)
            loss, tokens, trained = sums[0].item(), int(sums[1].item()), int(sums[2].item())
            if trained_total > 0 and trained != trained_total:
                raise RunError(f"step {step}: the ranks read {trained} trained tokens, the run spec says {trained_total}; "
                               f"the dataset {spec['data']['path']} is not the one the spec was made from")
            if not math.isfinite(loss):
                raise RunError(_diverged(step, epoch, f"the loss is {_num(loss)}"))
            grad_norm = self._grad_norm()
            if not math.isfinite(grad_norm):
                raise RunError(_diverged(step, epoch, f"the gradient norm is {_num(grad_norm)}"))
            if trained_total > 0:
                if clip > 0 and grad_norm > clip:
                    factor = clip / (grad_norm + 1e-6)
                    for p in self.model.parameters():
                        if p.grad is not None:
                            p.grad.to_local().mul_(torch.tensor(factor, dtype=torch.float32))
                self.opt.step()
            secs = max(1e-9, time.perf_counter() - t0)
            metric = {"step": step, "epoch": epoch + (step - epoch * per_epoch) / per_epoch,
                      "loss": loss if trained_total > 0 else None, "trained_tokens": trained_total, "lr": lr,
                      "grad_norm": grad_norm, "tokens_per_s": tokens / secs}
            if trained_total > 0:
                last_loss = loss
            this_run += 1
            if self.rank == 0:
                with open(os.path.join(out, "metrics.jsonl"), "a", encoding="utf-8") as f:
                    f.write(json.dumps(metric, separators=(",", ":")) + "\n")
                _emit(self.events, dict({"event": "step", "total": total}, **metric))
            end_of_epoch = step % per_epoch == 0
            stop = stop_after > 0 and this_run >= stop_after and step < total
            if end_of_epoch:
                self._save(f"epoch-{epoch + 1}", step, epoch)
                if self.rank == 0:
                    _delete_step_checkpoints(out)
            elif stop or (save_every > 0 and step % save_every == 0):
                self._save(f"step-{step}", step, epoch)
            if stop:
                if self.rank == 0:
                    _emit(self.events, {"event": "done", "finished": False, "step": step, "total": total, "last_loss": last_loss})
                self.dist.barrier()
                return
        if self.rank == 0:
            _link_final(os.path.join(out, f"epoch-{spec['config']['epochs']}"), os.path.join(out, "final"))
            _emit(self.events, {"event": "done", "finished": True, "step": total, "total": total, "last_loss": last_loss})
        self.dist.barrier()

    def _grad_norm(self):
        torch = self.torch
        sq = torch.zeros((), dtype=torch.float64)
        for p in self.model.parameters():
            if p.grad is not None:
                g = p.grad.to_local()
                sq += g.float().pow(2).sum().double().cpu()
        sq = sq.to(self.device)
        self.dist.all_reduce(sq)
        return math.sqrt(sq.item())

    # ---- checkpoints ----

    def _gather(self, p):
        """The whole tensor of a sharded parameter (a collective: every rank calls it), fp32 on CPU."""
        from torch.distributed.tensor import DTensor

        local = p.to_local()
        if local.device != self.device:  # CPU-offloaded shard: gather on the accelerator
            p = DTensor.from_local(local.detach().to(self.device), self.mesh, p.placements, run_check=False, shape=p.shape, stride=p.stride())
        with self.torch.no_grad():
            return p.detach().full_tensor().float().cpu()

    def _save(self, name, step, epoch):
        import torch.distributed.checkpoint as dcp
        from torch.distributed.checkpoint.state_dict import get_model_state_dict, get_optimizer_state_dict

        from .safetensors_io import StreamWriter

        spec = self.spec
        out = spec["out"]
        target = os.path.join(out, name)
        tmp = os.path.join(out, f".{name}.tmp")
        if self.rank == 0:
            shutil.rmtree(tmp, ignore_errors=True)
            os.makedirs(tmp)
        self.dist.barrier()
        params = self.model.hf_parameters()
        dtype = "BF16" if spec["settings"]["dtype"] == "bf16" else "F32"
        writer = StreamWriter(tmp, [(n, tuple(p.shape)) for n, p in params.items()], dtype) if self.rank == 0 else None
        for n, p in params.items():
            full = self._gather(p)
            if writer is not None:
                writer.add(n, full.numpy())
        if writer is not None:
            writer.close()
        state = {"model": get_model_state_dict(self.model), "optim": get_optimizer_state_dict(self.model, self.opt)}
        dcp.save(state, checkpoint_id=os.path.join(tmp, "dcp"))
        if self.rank == 0:
            cfg = dict(spec["config_json"])
            cfg["torch_dtype"] = "bfloat16" if dtype == "BF16" else "float32"
            _write_json(os.path.join(tmp, "config.json"), cfg)
            for f in spec.get("tokenizer_files", []):
                shutil.copyfile(f, os.path.join(tmp, os.path.basename(f)))
            if spec.get("dataset_manifest"):
                shutil.copyfile(spec["dataset_manifest"], os.path.join(tmp, "dataset-manifest.json"))
            per_epoch = int(spec["steps_per_epoch"])
            state_json = {
                "step": step, "total_steps": int(spec["total_steps"]), "steps_per_epoch": per_epoch, "epoch": epoch + 1,
                "epoch_complete": step % per_epoch == 0, "seed": spec["config"]["seed"],
                "rng": {"data_order": "Hashing.rng(seed, \"epoch/<e>\") Fisher-Yates per epoch (lima's step schedule)",
                        "dropout": "lima's SeededDropout masks: SplittableRandom(Hashing.key(seed, \"dropout/<step>/<example>/<layer>/<site>/<block>\"))",
                        "next_step": step + 1},
                "config": spec["config"], "world_size": self.world, "dtype": spec["settings"]["dtype"],
            }
            state_json.update(spec["fingerprint"])  # engine, model_sha256, dataset_sha256: what --resume checks
            _write_json(os.path.join(tmp, "trainer-state.json"), state_json)
            _fsync_tree(tmp)
            old = os.path.join(out, f".{name}.old")
            shutil.rmtree(old, ignore_errors=True)
            if os.path.exists(target):
                os.rename(target, old)
            os.rename(tmp, target)
            _fsync_dir(out)
            shutil.rmtree(old, ignore_errors=True)
            for f in os.listdir(out):  # an older step checkpoint is superseded by this one
                if f.startswith("step-") and f != name and _step_of(os.path.join(out, f)) < step:
                    shutil.rmtree(os.path.join(out, f), ignore_errors=True)
                # --resume starts from the latest checkpoint only, so older epochs keep their Hugging Face weights but
                # not their dcp/ (12 bytes per parameter: 730 GiB for 65B, per epoch)
                elif f.startswith("epoch-") and f != name and _step_of(os.path.join(out, f)) < step:
                    shutil.rmtree(os.path.join(out, f, "dcp"), ignore_errors=True)
            _emit(self.events, {"event": "checkpoint", "name": name, "step": step})
        self.dist.barrier()


def shard(model, mesh, bf16, offload):
    """FSDP2 as the engine applies it: fully_shard on every decoder layer, then on the root (embedding, final norm,
    head); bf16 parameters with fp32 gradient reduction (MixedPrecisionPolicy) or plain fp32; CPUOffloadPolicy
    when asked. Returns the (mixed precision, offload) policies."""
    import torch
    from torch.distributed.fsdp import CPUOffloadPolicy, MixedPrecisionPolicy, OffloadPolicy, fully_shard

    mp = MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32) if bf16 else MixedPrecisionPolicy()
    off = CPUOffloadPolicy() if offload else OffloadPolicy()
    for layer in model.model.layers:
        fully_shard(layer, mesh=mesh, mp_policy=mp, offload_policy=off)
    fully_shard(model, mesh=mesh, mp_policy=mp, offload_policy=off)
    return mp, off


def _diverged(step, epoch, what):
    return (f"training diverged at step {step} (epoch {epoch + 1}): {what}; stopping "
            "(lower --lr, set --clip, or check the data)")


def _num(x):
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def _write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def _fsync_dir(d):
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(d):
    for root, _, files in os.walk(d):
        for f in files:
            fd = os.open(os.path.join(root, f), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(root)


def _step_of(folder):
    try:
        with open(os.path.join(folder, "trainer-state.json"), encoding="utf-8") as f:
            return int(json.load(f)["step"])
    except (OSError, ValueError, KeyError):
        return -1


def _delete_step_checkpoints(out):
    for f in os.listdir(out):
        if f.startswith("step-"):
            shutil.rmtree(os.path.join(out, f), ignore_errors=True)


def _link_final(src, final):
    """final/ as hard links to the last epoch's files (copies where the file system has no links)."""
    tmp = os.path.join(os.path.dirname(final), ".final.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for root, _, files in os.walk(src):
        rel = os.path.relpath(root, src)
        dest = os.path.join(tmp, rel) if rel != "." else tmp
        os.makedirs(dest, exist_ok=True)
        for f in sorted(files):
            try:
                os.link(os.path.join(root, f), os.path.join(dest, f))
            except OSError:
                shutil.copy2(os.path.join(root, f), os.path.join(dest, f))
    shutil.rmtree(final, ignore_errors=True)
    os.rename(tmp, final)


def _take_lock(worker, out):
    """Holds OUT/.worker.lock (a POSIX lock, the kind Java's FileChannel.lock takes) while the ranks run, so a
    new lima run waits for the ranks of a killed one to be gone."""
    import fcntl

    worker._lock = open(os.path.join(out, ".worker.lock"), "a+")
    fcntl.lockf(worker._lock, fcntl.LOCK_EX)


def _release_lock(worker):
    lock = getattr(worker, "_lock", None)
    if lock is not None:
        lock.close()
