#!/usr/bin/env bash
# Reddit: r/WritingPrompts prompt/story pairs and r/AskReddit test prompts from Pushshift-format .zst dumps.
set -euo pipefail
out=$1
s=data/samples/reddit
bin/lima curate reddit "$s/RS_2024-01_sample.zst" "$s/RC_2024-01_sample.zst" --subreddit WritingPrompts --out "$out/writingprompts" --force
bin/lima curate reddit "$s/RS_2024-01_sample.zst" --subreddit AskReddit --prompts-only --out "$out/askreddit" --force
bin/lima stats "$out/writingprompts/examples.jsonl"
