#!/usr/bin/env bash
# Generation speed of the LLaMA decoder at batch 1 on a randomly initialised ~110M model (dim 768, 12 layers,
# 12 heads, ffn 2048, vocab 32000, tied embeddings: llama2.c's 110M shape): tokens/s with the KV cache, time per
# token at positions 1 and 1000, and the same without the cache. Runs from the repo root after `make build`.
# LIMA_BENCH_THREADS sets PyTorch's intra-op threads (default: all cores; 1 is faster on a busy shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bin/find-java)
jar=cli/target/lima.jar
[ -f "$jar" ] || { echo "generate.bench: $jar is missing; run make build" >&2; exit 1; }
mkdir -p bench/out
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
threads=${LIMA_BENCH_THREADS:-}
opts=(-Xmx6g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true)
if [ -n "$threads" ]; then
  export OMP_NUM_THREADS=$threads
  opts+=(-Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1)
fi
"$java" "${opts[@]}" -cp "$jar" lima.train.bench.GenerateBench --far 1000 --tokens 32 --reps 5 "$@" 2>&1 | grep -v '^WARNING' | tee bench/out/generate.txt
