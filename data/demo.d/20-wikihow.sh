#!/usr/bin/env bash
# wikiHow: categorised articles sampled category-first; the Koupaee CSVs (no categories) by title clusters.
set -euo pipefail
out=$1
bin/lima curate wikihow data/samples/wikihow/articles.jsonl --count 5 --out "$out/wikihow" --force
bin/lima curate wikihow data/samples/wikihow/wikihowAll.csv data/samples/wikihow/wikihowSep.csv --count 0 --min-chars 400 --out "$out/wikihow-koupaee" --force
bin/lima stats "$out/wikihow/examples.jsonl" "$out/wikihow-koupaee/examples.jsonl"
