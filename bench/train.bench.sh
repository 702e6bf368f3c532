#!/usr/bin/env bash
# Training throughput on CPU: lima (DJL, PyTorch engine) vs PyTorch eager, same ~15M-parameter LLaMA,
# same sequence length (512), batch and thread count. Prints both tokens/s and their ratio.
# Settings can be overridden: BENCH_THREADS, BENCH_STEPS, BENCH_BATCH.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-$(bin/find-java --home)}"
JAR=cli/target/lima.jar
[ -f "$JAR" ] || mvn -o -q -pl cli -am package -DskipTests
# Debian's torch; /usr/bin/python3 because a pyenv python3 may shadow it on PATH
PY=/usr/bin/python3
$PY -c 'import torch' 2>/dev/null || apt-get install -y python3-torch >/dev/null
THREADS="${BENCH_THREADS:-$(nproc)}"
STEPS="${BENCH_STEPS:-3}"
BATCH="${BENCH_BATCH:-2}"
# hidden layers heads intermediate vocab seq batch steps warmup threads: 15.1M parameters (untied head)
ARGS="384 5 6 1024 8192 512 $BATCH $STEPS 1 $THREADS"
mkdir -p bench/out
echo "model: hidden 384, 5 layers, 6 heads, intermediate 1024, vocab 8192 (~15.1M parameters); seq 512, batch $BATCH, $STEPS measured steps after 1 warm-up, $THREADS threads"
# bench/TrainBench.java is a source-file program (not in the product jar) that runs lima's Trainer
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$JAR" bench/TrainBench.java $ARGS | tee bench/out/train-java.txt
OMP_NUM_THREADS="$THREADS" $PY bench/train_torch.py $ARGS | tee bench/out/train-torch.txt
J=$(sed -n 's/^tokens_per_s=//p' bench/out/train-java.txt)
T=$(sed -n 's/^tokens_per_s=//p' bench/out/train-torch.txt)
awk -v j="$J" -v t="$T" 'BEGIN { printf "train tokens/s: lima %.1f, pytorch eager %.1f, ratio lima/pytorch %.2f (target >= 1.00)\n", j, t, j / t }'
