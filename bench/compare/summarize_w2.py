#!/usr/bin/python3
"""Medians and ratios from w2.sh's runs.csv, as Markdown tables.

    /usr/bin/python3 bench/compare/summarize_w2.py DIR      (DIR holds runs.csv and machine.txt)
"""
import csv
import os
import sys
from collections import defaultdict

from summarize import QUIET, fmt, med, num, span

TOOLS = {"etab": "etab bench, `--threads 2`", "etab_short": "etab bench, `--threads 2`, reference's run length",
         "reference": "reference, `num_workers=2`"}
NAMES = {"echonet": "EchoNet LV_seg (150 TRAIN videos)", "camus": "CAMUS LV_seg, NIfTI (40 patients x 2 views)",
         "camus-mhd": "CAMUS LV_seg, MetaImage (40 patients x 2 views)"}


def main():
    d = sys.argv[1]
    rows = list(csv.DictReader(open(os.path.join(d, "runs.csv"))))
    machine = os.path.join(d, "machine.txt")
    if os.path.exists(machine):
        print("```")
        print(open(machine).read().rstrip())
        print("```\n")
    by = defaultdict(list)
    for r in rows:
        by[r["dataset"]].append(r)
    print("## W2 side by side (LV_seg, video=false, 224x224, normalized, batch 20; samples/s)\n")
    print("| dataset | tool | samples per run | samples/s, each run | median | median of the quiet runs "
          "| peak RSS MiB (etab: JVM; reference: PSS sum) | load1 at start | others' CPU % |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    ratios = []
    for ds, rs in by.items():
        meds = {}
        for tool in TOOLS:
            g = [r for r in rs if r["tool"] == tool]
            if not g:
                continue
            sps = [num(r["samples_per_s"]) for r in g]
            meds[tool] = med(sps)
            quiet = [num(r["samples_per_s"]) for r in g if (num(r["foreign_cpu_pct"]) or 0) < QUIET]
            mem = [num(r["tree_pss_mb"] if tool == "reference" else r["peak_rss_mb"]) for r in g]
            print(f"| {NAMES.get(ds, ds)} | {TOOLS[tool]} | {g[0]['samples']} | {', '.join(fmt(v) for v in sps)} | "
                  f"**{fmt(meds[tool])}** | {fmt(med(quiet))} ({len(quiet)}) | {span(mem, 0)} | "
                  f"{span([num(r['load1']) for r in g], 2)} | {span([num(r['foreign_cpu_pct']) for r in g])} |")
        firsts = [num(r["first_batch_s"]) for r in rs if r["tool"] == "reference"]
        for tool in ("etab", "etab_short"):
            if meds.get(tool) and meds.get("reference"):
                paired = []
                for r in rs:
                    if r["tool"] == "reference":
                        e = [x for x in rs if x["tool"] == tool and x["rep"] == r["rep"]]
                        if e:
                            paired.append(num(e[0]["samples_per_s"]) / num(r["samples_per_s"]))
                ratios.append((ds, tool, meds[tool] / meds["reference"], paired, med(firsts)))
    print()
    print("| dataset | ratio | of the medians | paired by repetition (median, range) "
          "| reference: iter() to first batch, s (median over runs) |")
    print("| --- | --- | --- | --- | --- |")
    for ds, tool, ratio, paired, first in ratios:
        print(f"| {NAMES.get(ds, ds)} | {tool} / reference | **{ratio:.2f}x** | {fmt(med(paired), 2)} "
              f"({span(paired, 2)}) | {fmt(first, 3)} |")
    print(f"\nquiet run: other processes used < {QUIET:.0f} % of the CPU during it (foreign_cpu_pct); the number of"
          " quiet runs is in brackets\n")


if __name__ == "__main__":
    main()
