#!/usr/bin/env bash
# The demo: every step in data/demo.d/*.sh, in order, on the bundled samples in data/samples/, into OUT.
#
# A step whose inputs and options are unchanged since its last run in OUT is skipped ("up to date"): its key
# is the sha256 of the lima jar (size and time), the samples and recipes, the LIMA_DEMO_* / LIMA_JUDGE_*
# settings, this script, every earlier step and the step itself, and the folders it wrote must still be
# there. LIMA_DEMO_FORCE=1 (or deleting OUT) runs every step again.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/demo}
mkdir -p "$out/.demo-steps"
echo "== lima --version"; ${LIMA:-bin/lima} --version
shopt -s nullglob
steps=${LIMA_DEMO_STEPS:-data/demo.d} # another folder of steps: tests

jar=cli/target/lima.jar
model=${LIMA_DEMO_MODEL:-}
key=$({
  stat -c '%n %s %Y' "$jar" 2>/dev/null || echo "no $jar"
  find data/samples data/recipes -type f -print0 | sort -z | xargs -0 sha256sum
  cat data/demo.sh
  echo "model=$model judge=${LIMA_JUDGE_URL:-} ${LIMA_JUDGE_MODEL:-}"
  [ -n "$model" ] && [ -d "$model" ] && find "$model" -type f -printf '%p %s %T@\n' | sort
  true
} | sha256sum | cut -c1-64)

for step in "$steps"/*.sh; do
  name=$(basename "$step" .sh)
  key=$( { echo "$key"; cat "$step"; } | sha256sum | cut -c1-64)
  stamp=$out/.demo-steps/$name
  if [ "${LIMA_DEMO_FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$key" ]; then
    present=true
    while read -r dir; do [ -e "$out/$dir" ] || present=false; done < <(tail -n +2 "$stamp")
    if $present; then
      echo "== $name: up to date (inputs and options unchanged; LIMA_DEMO_FORCE=1 runs it again)"
      continue
    fi
  fi
  echo "== $name"
  rm -f "$stamp"
  before=$(LC_ALL=C ls -A "$out")
  bash "$step" "$out"
  # the folders this step wrote: new top-level entries, plus those its earlier runs recorded
  touch "$stamp.dirs"
  LC_ALL=C comm -13 <(echo "$before") <(LC_ALL=C ls -A "$out") | cat - "$stamp.dirs" | LC_ALL=C sort -u > "$stamp.new"
  mv "$stamp.new" "$stamp.dirs"
  { echo "$key"; cat "$stamp.dirs"; } > "$stamp.new"
  mv "$stamp.new" "$stamp"
done
echo "demo outputs are in $out"
