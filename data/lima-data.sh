#!/usr/bin/env bash
# The whole LIMA curation from raw public files: every curate step, then the mix (docs/curate-mix.md).
#
#   data/lima-data.sh DUMPS OUT          (make lima-data DUMPS=dir [OUT=out] runs it into out/lima-data)
#
# Expected layout of DUMPS (a source whose folder is absent is skipped with a message):
#   DUMPS/stackexchange/*.7z                 Stack Exchange site archives (archive.org stackexchange dump)
#   DUMPS/wikihow/*.csv, *.jsonl             wikihowAll.csv / wikihowSep.csv, or categorised article files
#   DUMPS/reddit/*.zst                       Pushshift dumps: RS_*/RC_* months or <Sub>_submissions/_comments
#   DUMPS/natural-instructions/tasks/        Super-Natural Instructions task*.json files
#   DUMPS/authored/train/, dev/, test/       hand-written examples (JSON Lines or Markdown, see docs/curate-authored.md)
#
# Each step writes OUT/<step>/ with --if-changed: when its inputs (sha256) and settings are unchanged it does
# nothing and exits 0, so re-running from cron only redoes the steps whose inputs changed, and the mix
# (OUT/final) only when one of the examples.jsonl files it reads changed. A step whose output folder is locked
# by a running job makes the script stop with exit code 75 (EX_TEMPFAIL: try again later).
# LIMA_STRICT=1 makes the mix fail when a source is short of its quota.
set -uo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 DUMPS OUT" >&2
  exit 2
fi
dumps=$1
out=$2
cd "$(dirname "$0")/.."
lima=${LIMA:-bin/lima}
mkdir -p "$out"
shopt -s nullglob

step() { # step NAME ARGS...: bin/lima ARGS --out OUT/NAME --if-changed
  local name=$1
  shift
  echo "== $name"
  "$lima" "$@" --out "$out/$name" --if-changed
  local rc=$?
  if [ $rc -eq 4 ]; then
    # partial: the source found fewer than its --count (its warning said how many); the mix reports the quota
    :
  elif [ $rc -eq 75 ]; then
    echo "lima-data: $out/$name is locked by another run; stopping (exit 75), try again later" >&2
    exit 75
  elif [ $rc -ne 0 ]; then
    echo "lima-data: step $name failed (exit $rc)" >&2
    exit $rc
  fi
}

skip() { echo "== $1: skipped, $2 not found"; }

se=("$dumps"/stackexchange/*.7z)
if [ ${#se[@]} -gt 0 ]; then
  # every passing pair: the mix samples 200 per group (temperature over sites) after cross-source dedup
  step stackexchange curate stackexchange "${se[@]}"
else skip stackexchange "$dumps/stackexchange/*.7z"; fi

wh=("$dumps"/wikihow/*.csv "$dumps"/wikihow/*.jsonl)
if [ ${#wh[@]} -gt 0 ]; then
  step wikihow curate wikihow "${wh[@]}"
else skip wikihow "$dumps/wikihow/*.csv"; fi

rd=("$dumps"/reddit/*.zst)
if [ ${#rd[@]} -gt 0 ]; then
  step writingprompts curate reddit "${rd[@]}" --subreddit WritingPrompts --count 170
  step askreddit curate reddit "${rd[@]}" --subreddit AskReddit --prompts-only --count 70
else skip reddit "$dumps/reddit/*.zst"; fi

if [ -d "$dumps/natural-instructions/tasks" ]; then
  step natural-instructions curate natural-instructions "$dumps/natural-instructions/tasks"
else skip natural-instructions "$dumps/natural-instructions/tasks/"; fi

for split in train dev test; do
  name=authored; [ "$split" = train ] || name=authored-$split
  if [ -d "$dumps/authored/$split" ]; then
    step "$name" curate authored "$dumps/authored/$split"
  else skip "$name" "$dumps/authored/$split/"; fi
done

strict=()
[ "${LIMA_STRICT:-0}" = 1 ] && strict=(--strict)
step final curate mix --recipe data/recipes/lima.json --inputs "$out" --allow-missing "${strict[@]}"
echo "lima-data: train/dev/test and DATACARD.md are in $out/final"
