"""``python -m lima_fsdp.check``: one JSON line saying whether this Python can run the FSDP2 engine.

{"ok": true, "python": "3.11.2", "torch": "2.7.1", "cuda_devices": 0} or {"ok": false, "error": "..."}; exit 0/1."""

import json
import platform
import sys

from .worker import MIN_TORCH, _version_tuple


def check():
    info = {"python": platform.python_version()}
    if sys.version_info < (3, 9):
        return dict(info, ok=False, error=f"Python {info['python']} is too old; the engine needs Python 3.9+ with torch>=2.7")
    try:
        import torch
    except ImportError as e:
        return dict(info, ok=False, error=f"no torch in this Python ({e}); install torch>=2.7 (make venv, or pip install torch)")
    info["torch"] = torch.__version__
    if _version_tuple(torch.__version__) < MIN_TORCH:
        return dict(info, ok=False, error=f"torch {torch.__version__} is older than 2.7, which FSDP2 (fully_shard) needs; install torch>=2.7 (make venv)")
    try:
        from torch.distributed.fsdp import fully_shard  # noqa: F401
        import numpy  # noqa: F401
    except ImportError as e:
        return dict(info, ok=False, error=f"torch {torch.__version__} lacks what the engine needs ({e}); install torch>=2.7 and numpy")
    info["cuda_devices"] = torch.cuda.device_count() if torch.cuda.is_available() else 0
    info["ok"] = True
    return info


if __name__ == "__main__":
    result = check()
    print(json.dumps(result))
    sys.exit(0 if result["ok"] else 1)
