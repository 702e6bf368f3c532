#!/usr/bin/env bash
# Reddit: r/WritingPrompts prompt/story pairs and r/AskReddit test prompts from Pushshift-format .zst dumps.
set -euo pipefail
out=$1
s=data/samples/reddit
# The sample is far smaller than the default --count (150, 70): each run says so in one warning line and
# exits 4 (partial result), which the demo accepts.
bin/lima curate reddit "$s/RS_2024-01_sample.zst" "$s/RC_2024-01_sample.zst" --subreddit WritingPrompts --out "$out/writingprompts" --force || [ $? -eq 4 ]
bin/lima curate reddit "$s/RS_2024-01_sample.zst" --subreddit AskReddit --prompts-only --out "$out/askreddit" --force || [ $? -eq 4 ]
bin/lima stats "$out/writingprompts/examples.jsonl"
