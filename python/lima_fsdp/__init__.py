"""The PyTorch FSDP2 engine of ``lima train --engine fsdp``: a LLaMA (model), lima's tokenized shards (data),
safetensors without third-party packages (safetensors_io) and one rank of the run (worker). Torch is imported
only at run time, so ``python -m lima_fsdp.check`` can say what is missing."""
