#!/usr/bin/env bash
# Benchmark of `lima curate stackexchange` (issue 2): on a generated Stack Exchange-like site archive
# holding >= 1 GB of Posts.xml (7z, LZMA2), report in one run
#   - MB/s of plain decompression of the archive (read and discard, Java + Commons Compress),
#   - MB/s of `lima curate stackexchange` on the same archive (wall clock, JVM start included, as for decompression),
#   - their ratio (target: curation >= 80% of the decompression rate),
#   - the peak RSS of the curation run, made with a small fixed heap (-Xmx512m) to show the heap is bounded.
# MB = 10^6 bytes of uncompressed Posts.xml. The archive is cached in bench/out/se-<N>mb/ (N from SE_BENCH_MB,
# default 1100), so re-runs skip generation.
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bin/find-java)
jar=cli/target/lima.jar
# SyntheticDump is test code (curate's test sources): make build compiles it into curate/target/test-classes.
[ -f "$jar" ] && [ -d curate/target/test-classes ] || { echo "stackexchange bench: $jar or curate/target/test-classes missing; run make build first" >&2; exit 1; }
mb=${SE_BENCH_MB:-1100}
heap=${SE_BENCH_HEAP:-512m}
threads=${SE_BENCH_THREADS:-$(nproc)}
dir=bench/out/se-${mb}mb
archive=$dir/synthetic.stackexchange.com.7z
mkdir -p "$dir"
if [ ! -f "$archive" ]; then
  echo "generating $archive ($mb MB of Posts.xml; LZMA2 in Java, a few minutes) ..."
  "$java" -cp "$jar:curate/target/test-classes" lima.curate.stackexchange.SyntheticDump generate "$archive" "$mb" 1
fi
printf 'site,group\nsynthetic.stackexchange.com,stem\n' > "$dir/site-groups.csv"

echo "archive: $archive ($(du -h "$archive" | cut -f1) compressed)"
# Both rates are whole-process wall clock (JVM start included), so they compare like with like; the
# in-process decompression time is printed too.
dstart=$(date +%s.%N)
dec=$(/usr/bin/time -f "decompress_cpu=%U+%S" -o "$dir/dtime.txt" "$java" -Xmx$heap -cp "$jar:curate/target/test-classes" lima.curate.stackexchange.SyntheticDump decompress "$archive")
dend=$(date +%s.%N)
dwall=$(awk -v s="$dstart" -v e="$dend" 'BEGIN{print e-s}')
dcpu=$(sed -n 's/decompress_cpu=\([0-9.]*\)+\([0-9.]*\)/\1 \2/p' "$dir/dtime.txt" | awk '{print $1+$2}')
bytes=$(sed -n 's/.*decompress_bytes=\([0-9]*\).*/\1/p' <<<"$dec")
dinproc=$(sed -n 's/.*decompress_seconds=\([0-9.]*\).*/\1/p' <<<"$dec")
dsec=$dwall

run=$dir/run
rm -rf "$run"
start=$(date +%s.%N)
LIMA_JAVA_OPTS="-Xmx$heap -Dlima.progress=log" /usr/bin/time -v -o "$dir/time.txt" \
  bin/lima curate stackexchange "$archive" --site-groups "$dir/site-groups.csv" --out "$run" --threads "$threads" \
  >"$dir/curate.out" 2>"$dir/curate.err" || { echo "curation failed:"; cat "$dir/curate.err"; exit 1; }
end=$(date +%s.%N)
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$dir/time.txt")
cu=$(sed -n 's/.*User time (seconds): \([0-9.]*\).*/\1/p' "$dir/time.txt")
cs=$(sed -n 's/.*System time (seconds): \([0-9.]*\).*/\1/p' "$dir/time.txt")
ccpu=$(awk -v u="$cu" -v s="$cs" 'BEGIN{print u+s}')

awk -v b="$bytes" -v ds="$dsec" -v dip="$dinproc" -v s="$start" -v e="$end" -v rss="$rss_kb" -v heap="$heap" -v th="$threads" -v dc="$dcpu" -v cc="$ccpu" -v load="$(cut -d' ' -f1 /proc/loadavg)" -v cores="$(nproc)" 'BEGIN {
  cs = e - s; dm = b / 1e6 / ds; cm = b / 1e6 / cs;
  printf "Posts.xml size:            %.1f MB\n", b / 1e6;
  printf "decompression (read+drop): %.1f s  %.1f MB/s  (whole process; %.1f s inside the JVM)\n", ds, dm, dip;
  printf "lima curate stackexchange: %.1f s  %.1f MB/s  (-Xmx%s, --threads %d)\n", cs, cm, heap, th;
  printf "ratio curate/decompress:   %.0f%%  (target >= 80%%)\n", 100 * cm / dm;
  printf "peak RSS of curation:      %.0f MB\n", rss / 1024;
  printf "CPU seconds:               decompression %.1f s, curation %.1f s (%.2fx)\n", dc, cc, cc / dc;
  printf "machine:                   %d cores, load average %s at the end (other work shares the cores)\n", cores, load;
}'
echo "curation: $(cat "$dir/curate.out")"
echo "phases (from the run's progress log):"
grep "done in" "$dir/curate.err" | sed 's/^/  /' || true
