#!/usr/bin/env bash
# Reddit reader throughput: `lima curate reddit` (two streaming passes: RS then RC) against plain `zstd -d`
# of the same files, in the same run. Data: a synthetic Pushshift-like RS/RC pair (long-window zstd),
# REDDIT_BENCH_MB of uncompressed NDJSON in all (default 400), generated once and cached in bench/out/reddit.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v zstd >/dev/null || { apt-get install -y zstd >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y zstd >/dev/null; }; }
mb=${REDDIT_BENCH_MB:-400}
dir=bench/out/reddit
mkdir -p "$dir"
if [[ ! -f $dir/RC_bench.zst || "$(cat "$dir/.mb" 2>/dev/null)" != "$mb" ]]; then
  rm -f "$dir"/R?_bench.zst
  java -cp cli/target/lima.jar bench/PushshiftGen.java synth "$dir" "$mb" 2>&1 | grep -v '^WARNING'
  echo "$mb" > "$dir/.mb"
fi
rs=$dir/RS_bench.zst rc=$dir/RC_bench.zst
# wall and CPU (user+sys) seconds of each command: on a shared machine the CPU figure is the fair one
timed() { local f=$1; shift; /usr/bin/time -f "%e %U %S" -o "$f" "$@"; }
raw=$(( $(zstd -d --long=31 -c "$rs" | wc -c) + $(zstd -d --long=31 -c "$rc" | wc -c) ))
rsraw=$(zstd -d --long=31 -c "$rs" | wc -c)
comp=$(( $(stat -c %s "$rs") + $(stat -c %s "$rc") ))
timed "$dir/t.zstd" zstd -q -d --long=31 -c "$rs" "$rc" > /dev/null
timed "$dir/t.wp" bin/lima curate reddit "$rs" "$rc" --subreddit WritingPrompts --out "$dir/wp" --force > "$dir/wp.log"
timed "$dir/t.ask" bin/lima curate reddit "$rs" --subreddit AskReddit --prompts-only --out "$dir/ask" --force > "$dir/ask.log"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
awk -v raw="$raw" -v rsraw="$rsraw" -v comp="$comp" '
  FNR == 1 { w[FILENAME] = $1; c[FILENAME] = $2 + $3 }
  END {
    mb = raw / 1048576; z = ARGV[1]; l = ARGV[2]; p = ARGV[3];
    printf "input: RS+RC %.0f MB uncompressed, %.0f MB zstd (--long=31 frames)\n", mb, comp / 1048576;
    printf "%-46s %8s %9s %8s %9s\n", "", "wall s", "MB/s", "cpu s", "MB/cpu-s";
    printf "%-46s %8.2f %9.1f %8.2f %9.1f\n", "zstd -d --long=31 RS RC (to /dev/null)", w[z], mb / w[z], c[z], mb / c[z];
    printf "%-46s %8.2f %9.1f %8.2f %9.1f\n", "lima curate reddit WritingPrompts (2 passes)", w[l], mb / w[l], c[l], mb / c[l];
    printf "%-46s %8.2f %9.1f %8.2f %9.1f\n", "lima curate reddit --prompts-only (RS only)", w[p], rsraw / 1048576 / w[p], c[p], rsraw / 1048576 / c[p];
    printf "lima/zstd time ratio: %.1fx wall, %.1fx cpu (lima includes JVM start-up and sha256 of the inputs for the manifest)\n", w[l] / w[z], c[l] / c[z];
  }' "$dir/t.zstd" "$dir/t.wp" "$dir/t.ask"
echo "summary: $(cat "$dir/wp.log")"
