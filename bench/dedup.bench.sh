#!/usr/bin/env bash
# Dedup benchmark: 1M synthetic short documents with planted near-duplicates at known Jaccard similarities.
# Prints wall time, peak memory (RSS), throughput, and precision/recall against exact shingle Jaccard.
# DEDUP_BENCH_DOCS=N changes the size; DEDUP_BENCH_HEAP (default 1500m) is the JVM heap limit.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${DEDUP_BENCH_DOCS:-1000000}
heap=${DEDUP_BENCH_HEAP:-1500m}
dir=bench/out/dedup
run=bench/out/dedup-run
java=$(bin/find-java)
if [ ! -f "$dir/docs.jsonl" ] || [ "$(cat "$dir/.docs" 2>/dev/null)" != "$n" ]; then
  echo "generating $n documents into $dir (seed 1) ..."
  rm -rf "$dir"
  "$java" -cp cli/target/lima.jar bench/DedupBench.java gen "$n" "$dir" 1
  echo "$n" > "$dir/.docs"
fi
echo "input: $(wc -l < "$dir/docs.jsonl") documents, $(du -h "$dir/docs.jsonl" | cut -f1), $(($(wc -l < "$dir/truth.tsv") - 1)) planted pairs"
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 2 ]; then pin=(taskset -c 0,1); fi
rm -rf "$run"
LIMA_JAVA_OPTS="-Xmx$heap" /usr/bin/time -v "${pin[@]}" bin/lima curate dedup "$dir/docs.jsonl" --field prompt --threads 2 --out "$run" \
  2> bench/out/dedup-time.log | sed 's/^/lima: /'
wall=$(grep "Elapsed (wall clock)" bench/out/dedup-time.log | awk '{print $NF}')
rss=$(grep "Maximum resident set size" bench/out/dedup-time.log | awk '{print $NF}')
cpu=$(grep "Percent of CPU" bench/out/dedup-time.log | awk '{print $NF}')
user=$(grep "User time" bench/out/dedup-time.log | awk '{print $NF}')
sys=$(grep "System time" bench/out/dedup-time.log | awk '{print $NF}')
secs=$(awk -v w="$wall" 'BEGIN{n=split(w,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}')
echo "DEDUP WALL TIME: ${wall} (${secs} s) on 2 threads$([ ${#pin[@]} -gt 0 ] && echo ', pinned to 2 cores'), CPU ${cpu}"
echo "DEDUP CPU TIME: ${user} s user + ${sys} s system (wall time also counts waiting for cores other jobs hold; load now: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "DEDUP PEAK RSS: $((rss / 1024)) MiB (JVM heap limit $heap)"
awk -v n="$n" -v s="$secs" 'BEGIN{printf "DEDUP THROUGHPUT: %.0f documents/s\n", n / s}'
grep -E '"(read|kept|exact_duplicate|near_duplicate|clusters|candidate_pairs)"' "$run/stats.json" | tr -d ' ,' | sed 's/^/  /'
"$java" -Xmx4g -cp cli/target/lima.jar bench/DedupBench.java eval "$dir" "$run"
