#!/usr/bin/env python3
"""Gathers one experiment's eval outputs into OUT/results.json, OUT/figure.png|svg and OUT/report.md.

The numbers are copied from the eval commands' own JSON outputs (never recomputed here), and the figure is the
chart those commands drew from the same numbers. Usage: assemble.py NAME OUT --scale S --judge-model M --scripted 0|1
"""
import argparse
import json
import os
import shutil
import sys

PAPER = {
    "select": {
        "setup": "LIMA 65B, 15 epochs; checkpoint picked between epochs 5 and 10 by judged quality on 50 hand-written dev prompts, not by loss",
        "numbers": "the paper reports no per-epoch scores; it explains the choice by Figure 9 (perplexity rises while quality rises)",
    },
    "perplexity": {
        "setup": "Appendix B, Figure 9: dev-set perplexity and judged generation quality across training",
        "numbers": "perplexity goes up as training goes on while judged quality goes up too: perplexity is a poor proxy for quality",
    },
    "ablations": {
        "setup": "LLaMA 7B, same recipe, 2,000-example sets; 5 sampled responses per test prompt rated 1-6 (helpfulness) by a judge; mean with 95% interval",
        "figure5": "filtered Stack Exchange ahead of wikiHow ahead of unfiltered Stack Exchange (about 0.5 points between filtered and unfiltered Stack Exchange)",
        "figure6": "2K, 4K, 8K, 16K, 32K filtered Stack Exchange: flat, more data of the same kind brings no gain",
    },
    "dialogue": {
        "setup": "10 live conversations per model; every assistant turn labelled Fail / Pass / Excellent",
        "zero_shot": {"excellent": 0.452, "fail_turns": 15, "turns": 42},
        "with_30_dialogue_chains": {"excellent": 0.761, "fail_turns": 1, "turns": 46},
    },
}

LABELS = {
    "quantity-2k": ("filtered Stack Exchange 2K", "figure5+figure6"),
    "diversity": ("wikiHow 2K", "figure5"),
    "quality": ("unfiltered Stack Exchange 2K", "figure5"),
    "quantity-4k": ("filtered Stack Exchange 4K", "figure6"),
    "quantity-8k": ("filtered Stack Exchange 8K", "figure6"),
    "quantity-16k": ("filtered Stack Exchange 16K", "figure6"),
    "quantity-32k": ("filtered Stack Exchange 32K", "figure6"),
}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def ci(i):
    return {"estimate": i["estimate"], "lo": i["lo"], "hi": i["hi"]}


def fmt(i, pct=False):
    if i is None or i.get("estimate") is None:
        return "n/a"
    k = 100 if pct else 1
    return "%.2f%s [%.2f, %.2f]" % (k * i["estimate"], "%" if pct else "", k * i["lo"], k * i["hi"])


def select(out):
    s = load(os.path.join(out, "work/select/selection.json"))
    conds = [{"epoch": c["epoch"], "checkpoint": c["checkpoint"], "n": c["n"], "score": ci(c["score"])} for c in s["candidates"]]
    res = {"criterion": s["criterion"], "tie_rule": s["tieRule"], "conditions": conds,
           "selected": {"epoch": s["selected"]["epoch"], "path": s["selectedPath"], "link": s["link"]}}
    rows = ["| epoch | n prompts | score [95% CI] | selected |", "|---:|---:|---|---|"]
    for c in conds:
        rows.append("| %d | %d | %s | %s |" % (c["epoch"], c["n"], fmt(c["score"]), "**yes**" if c["epoch"] == s["selected"]["epoch"] else ""))
    compare = ("The paper selects between epochs 5 and 10 by judged quality (not loss) and reports no per-epoch scores, "
               "so the comparison is qualitative: the selected epoch here is %d (ties go to the earlier epoch)." % s["selected"]["epoch"])
    return res, "work/select/selection", rows, compare


def perplexity(out):
    p = load(os.path.join(out, "work/perplexity/perplexity.json"))
    conds = [{"model": r["model"], "epoch": r["epoch"], "n": r["examples"], "tokens": r["tokens"], "perplexity": ci(r["perplexity"])} for r in p["rows"]]
    q = {x["epoch"]: ci(x["score"]) for x in p["quality"]}
    for c in conds:
        c["quality"] = q.get(c["epoch"])
    res = {"dev_conversations": p["conversations"], "quality_criterion": p["qualityCriterion"], "conditions": conds}
    rows = ["| epoch | dev conversations | scored tokens | perplexity [95% CI] | judged quality [95% CI] |", "|---:|---:|---:|---|---|"]
    for c in conds:
        rows.append("| %s | %d | %d | %s | %s |" % (c["epoch"], c["n"], c["tokens"], fmt(c["perplexity"]), fmt(c["quality"])))
    ppl = [c["perplexity"]["estimate"] for c in conds]
    qual = [c["quality"]["estimate"] for c in conds if c["quality"]]
    trend = lambda v: "rises" if len(v) > 1 and v[-1] > v[0] else ("falls" if len(v) > 1 and v[-1] < v[0] else "is flat")
    compare = "Paper (Figure 9): perplexity rises over training while judged quality rises too. Here perplexity %s from the first to the last epoch and judged quality %s." % (trend(ppl), trend(qual))
    return res, "work/perplexity/perplexity", rows, compare


def ablations(out):
    r = load(os.path.join(out, "work/likert/report.json"))
    conds = []
    for row in r["likert"]:
        label, fig = LABELS.get(row["model"], (row["model"], ""))
        conds.append({"condition": row["model"], "label": label, "figure": fig, "n": row["prompts"], "scores": row["scores"],
                      "unparseable": row["unparseable"], "helpfulness": ci(row["mean"])})
    res = {"unit": "one judge rating (1-6) per sampled response; n = sampled responses (prompts x samples)", "conditions": conds}
    rows = ["| condition | data | figure | n | helpfulness 1-6 [95% CI] |", "|---|---|---|---:|---|"]
    for c in conds:
        rows.append("| %s | %s | %s | %d | %s |" % (c["condition"], c["label"], c["figure"], c["n"], fmt(c["helpfulness"])))
    by = {c["condition"]: c["helpfulness"]["estimate"] for c in conds}
    order = " > ".join(k for k in sorted(["quantity-2k", "diversity", "quality"], key=lambda k: -by.get(k, 0)) if k in by)
    ladder = [by[k] for k in ["quantity-2k", "quantity-4k", "quantity-8k", "quantity-16k", "quantity-32k"] if k in by]
    compare = ("Paper (Figure 5): filtered Stack Exchange (quantity-2k) > wikiHow (diversity) > unfiltered Stack Exchange (quality). Here: %s. "
               "Paper (Figure 6): flat from 2K to 32K. Here the ladder spans %.2f to %.2f." % (order, min(ladder) if ladder else float("nan"), max(ladder) if ladder else float("nan")))
    return res, "work/likert/likert", rows, compare


def dialogue(out):
    r = load(os.path.join(out, "work/judge/report.json"))
    conds = []
    for row in r["absolute"]:
        conds.append({"model": row["model"], "rater": row["rater"], "n": row["n"], "fail": row["fails"], "pass": row["passes"], "excellent": row["excellents"],
                      "fail_share": ci(row["fail"]), "pass_share": ci(row["pass"]), "excellent_share": ci(row["excellent"])})
    res = {"unit": "one rating per assistant turn", "conditions": conds}
    rows = ["| model | turns | Fail | Pass | Excellent | Excellent share [95% CI] |", "|---|---:|---:|---:|---:|---|"]
    for c in conds:
        rows.append("| %s | %d | %d | %d | %d | %s |" % (c["model"], c["n"], c["fail"], c["pass"], c["excellent"], fmt(c["excellent_share"], pct=True)))
    parts = ["%s: Excellent %.1f%%, %d of %d turns Fail" % (c["model"], 100 * c["excellent_share"]["estimate"], c["fail"], c["n"]) for c in conds]
    compare = "Paper (Figure 7): zero-shot Excellent 45.2%, 15 of 42 turns Fail; with 30 dialogue chains Excellent 76.1%, 1 of 46 turns Fail. Here: " + "; ".join(parts) + "."
    return res, "work/judge/absolute", rows, compare


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("out")
    ap.add_argument("--scale", required=True)
    ap.add_argument("--judge-model", required=True)
    ap.add_argument("--scripted", default="0")
    a = ap.parse_args()
    scripted = a.scripted == "1"
    res, chart, rows, compare = {"select": select, "perplexity": perplexity, "ablations": ablations, "dialogue": dialogue}[a.name](a.out)
    note = ("PLUMBING RUN: the judge is a scripted local server (scripted-judge-PLUMBING-ONLY) and the model a tiny random "
            "LLaMA; every number below checks that the pipeline runs end to end and means nothing about quality."
            if scripted else None)
    results = {"experiment": a.name, "scale": a.scale,
               "judge": {"model": a.judge_model, "scripted_plumbing_only": scripted},
               "note": note, "paper": PAPER[a.name]}
    results.update(res)
    results["figure"] = {"png": "figure.png", "svg": "figure.svg", "drawn_from": chart + ".png (the eval command's chart of these numbers)"}
    for ext in ("png", "svg"):
        src = os.path.join(a.out, chart + "." + ext)
        tmp = os.path.join(a.out, ".figure." + ext + ".tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, os.path.join(a.out, "figure." + ext))
    write(os.path.join(a.out, "results.json"), json.dumps(results, indent=2, sort_keys=True) + "\n")
    md = ["# Experiment: %s (SCALE=%s)" % (a.name, a.scale), ""]
    if note:
        md += ["> **" + note + "**", ""]
    md += ["What was run: `make experiment-%s SCALE=%s` (data/experiments/%s.sh); judge `%s`. The eval outputs, manifests "
           "(inputs with sha256, configuration) and judge caches are under `work/`." % (a.name, a.scale, a.name, a.judge_model), "",
           "Paper setup: " + PAPER[a.name]["setup"] + ".", "", "![figure](figure.png)", ""] + rows + ["", "## Compared with the paper", "", compare, ""]
    write(os.path.join(a.out, "report.md"), "\n".join(md))
    print("%s: results.json, figure.png/svg, report.md -> %s" % (a.name, a.out))


def write(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
