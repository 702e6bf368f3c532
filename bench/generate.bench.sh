#!/usr/bin/env bash
# Generation speed, lima against Hugging Face transformers' generate on the same weights, in one run:
#  - batch 1: greedy tokens/s on a random 110M LLaMA (llama2.c's 110M shape: dim 768, 12 layers, 12 heads, ffn 2048,
#    vocab 32,000, tied) at 1 thread and at all cores, and on the real stories260K at 1 thread when ../shared has it;
#  - batched: tokens/s and prompts/min of `lima generate --batch N`'s loop (Generator.generateAll) for N = 1, 4, 8, 16
#    on a prompt file of LIMA-like lengths (GENERATE_BENCH_PROMPTS prompts, default 32, each GENERATE_BENCH_NEW new
#    tokens, default 64; GENERATE_BENCH_THREADS threads, default all cores), with a hash of the answers (equal hashes = identical answers at every batch size);
#  - the same with transformers (static batches, left padding) from $LIMA_VENV, and the ratios.
# Each figure is the best of several runs in one process (3 for batch 1; GENERATE_BENCH_REPEAT, default 3, for the
# batched part, lima and transformers alike): other work on a shared machine only ever slows a run down.
# Runs from the repo root after `make build`. Prints the load average: other jobs on the machine change the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bin/find-java)
jar=cli/target/lima.jar
[ -f "$jar" ] || { echo "generate.bench: $jar is missing; run make build" >&2; exit 1; }
LIMA_VENV=${LIMA_VENV:-$HOME/.cache/lima/venv-torch2.7.1}
py=$LIMA_VENV/bin/python
cores=$(nproc)
n=${GENERATE_BENCH_PROMPTS:-32}
new=${GENERATE_BENCH_NEW:-64}
bt=${GENERATE_BENCH_THREADS:-$cores} # threads of the batched part, lima and transformers alike (1 on a busy machine)
out=bench/out/generate
mkdir -p "$out"
jrun() { "$java" -Xmx6g -XX:+UseParallelGC --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true "$@" 2>&1 | grep -v "^WARNING"; }
load() { echo "(load average $(cut -d' ' -f1-3 /proc/loadavg))"; }
model=$out/model-110m
if [ ! -f "$model/model.safetensors" ]; then
  rm -rf "$model"
  jrun -cp "$jar" bench/GenerateBench.java init "$model" 768 12 12 2048 32000 1
fi
lima_data=../shared/real/data/lima/lima_train_first1000.jsonl
[ -f "$out/prompts-$n.txt" ] || jrun -cp "$jar" bench/GenerateBench.java prompts "$model" "$lima_data" "$n" "$out/prompts-$n.txt"
if [ -x "$py" ] && ! "$py" -c 'import transformers' 2>/dev/null; then "$py" -m pip install -q -r python/requirements-bench.txt; fi
hf=true; [ -x "$py" ] || { hf=false; echo "no $py: the transformers peer is skipped (make venv)"; }
echo "machine: $cores cores $(load)"

echo "-- batch 1, 110M fp32, greedy, 128 new tokens"
for t in 1 "$cores"; do
  jrun -Dlima.threads="$t" -cp "$jar" bench/GenerateBench.java single "$model" 128 | sed 's/^/lima /' | tee "$out/single-$t.txt"; load
  if $hf; then OMP_NUM_THREADS=$t "$py" bench/generate_hf.py single "$model" 128 "$t" | tee "$out/hf-single-$t.txt"; load; fi
done
s260=../shared/real/models/stories260K-hf-DERIVED
if [ -d "$s260" ]; then
  echo "-- batch 1, stories260K, greedy, 256 new tokens, 1 thread"
  jrun -Dlima.threads=1 -cp "$jar" bench/GenerateBench.java single "$s260" 256 | sed 's/^/lima /' | tee "$out/single-260k.txt"; load
  if $hf; then OMP_NUM_THREADS=1 "$py" bench/generate_hf.py single "$s260" 256 1 | tee "$out/hf-single-260k.txt"; load; fi
fi

echo "-- batched, 110M fp32, $n prompts of LIMA-like lengths, $new new tokens each, $bt thread(s)"
for b in 1 4 8 16; do
  jrun -Dlima.threads="$bt" -cp "$jar" bench/GenerateBench.java batch "$model" "$out/prompts-$n.txt" "$b" "$new" | sed 's/^/lima /' | tee "$out/batch-$b.txt"; load
  if $hf; then OMP_NUM_THREADS=$bt "$py" bench/generate_hf.py batch "$model" "$out/prompts-$n.txt" "$b" "$new" "$bt" | tee "$out/hf-batch-$b.txt"; load; fi
done

tps() { sed -n 's/.* \([0-9.]*\) tokens\/s.*/\1/p' "$1" | head -1; }
ppm() { sed -n 's/.* \([0-9.]*\) prompts\/min.*/\1/p' "$1" | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
echo "-- summary"
for t in 1 "$cores"; do
  line="batch 1, $t thread(s): lima $(tps "$out/single-$t.txt") tokens/s"
  $hf && line="$line, transformers $(tps "$out/hf-single-$t.txt"), lima/transformers $(ratio "$(tps "$out/single-$t.txt")" "$(tps "$out/hf-single-$t.txt")")"
  echo "$line"
done
[ -f "$out/single-260k.txt" ] && echo "stories260K, 1 thread: lima $(tps "$out/single-260k.txt") tokens/s (target >= 3,000)"
for b in 1 4 8 16; do
  line="batch $b: lima $(tps "$out/batch-$b.txt") tokens/s, $(ppm "$out/batch-$b.txt") prompts/min ($(ratio "$(ppm "$out/batch-$b.txt")" "$(ppm "$out/batch-1.txt")")x batch 1)"
  $hf && line="$line; transformers $(ppm "$out/hf-batch-$b.txt") prompts/min, lima/transformers $(ratio "$(ppm "$out/batch-$b.txt")" "$(ppm "$out/hf-batch-$b.txt")")"
  echo "$line"
done
hashes=$(sed -n 's/.*answers sha256 \([0-9a-f]*\).*/\1/p' "$out"/batch-*.txt | sort -u | wc -l)
[ "$hashes" = 1 ] && echo "answers identical at every batch size: yes" || echo "answers identical at every batch size: NO ($hashes different hashes)"
