#!/usr/bin/python3
"""Medians and ratios from compare.sh's runs.csv, as Markdown tables.

    /usr/bin/python3 bench/compare/summarize.py DIR      (DIR holds runs.csv and machine.txt)
"""
import csv
import os
import statistics
import sys
from collections import defaultdict

TOOLS = {"etab": "etab bench", "reference": "reference (PyTorch + OpenCV)",
         "pyav": "tuned PyAV loader (PyTorch + PyAV)",
         "ceiling_ffmpeg": "decode ceiling, ffmpeg", "ceiling_opencv": "decode ceiling, OpenCV"}


QUIET = 10.0   # a run is "quiet" when other processes used < 10 % of the machine's CPU during it


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=1):
    if v is None:
        return "-"
    return f"{v:,.{digits}f}"


def span(values, digits=1):
    values = [v for v in values if v is not None]
    return f"{fmt(min(values), digits)}-{fmt(max(values), digits)}" if values else "-"


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
        by[r["series"]].append(r)

    if by["main"]:
        main_rows = by["main"]
        print("## W1 side by side (2 threads / 2 workers / 2 processes, 200-video phantom, TRAIN = 150 videos)\n")
        print("| tool | clips/s, each run | median clips/s | median of the quiet runs | decoded frames/s (median) "
              "| load1 at start | others' CPU % |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        meds = {}
        for tool in TOOLS:
            rs = [r for r in main_rows if r["tool"] == tool]
            if not rs:
                continue
            cps = [num(r["clips_per_s"]) for r in rs]
            meds[tool] = med(cps)
            quiet = [num(r["clips_per_s"]) for r in rs if (num(r["foreign_cpu_pct"]) or 0) < QUIET]
            print(f"| {TOOLS[tool]} | {', '.join(fmt(c) for c in cps)} | **{fmt(meds[tool])}** | "
                  f"{fmt(med(quiet))} ({len(quiet)}) | "
                  f"{fmt(med(num(r['frames_per_s']) for r in rs), 0)} | {span([num(r['load1']) for r in rs], 2)} | "
                  f"{span([num(r['foreign_cpu_pct']) for r in rs])} |")
        print()
        e = meds.get("etab")
        print("| ratio | of medians | per repetition (median of the paired ratios) |")
        print("| --- | --- | --- |")
        for other in ("reference", "pyav", "ceiling_ffmpeg", "ceiling_opencv"):
            if e and meds.get(other):
                paired = []
                for r in main_rows:
                    if r["tool"] == "etab":
                        o = [x for x in main_rows if x["tool"] == other and x["rep"] == r["rep"]]
                        if o:
                            paired.append(num(r["clips_per_s"]) / num(o[0]["clips_per_s"]))
                print(f"| etab / {TOOLS[other]} | {e / meds[other]:.2f} | {fmt(med(paired), 2)} "
                      f"({span(paired, 2)}) |")
        if meds.get("reference") and meds.get("ceiling_ffmpeg"):
            print(f"| reference / {TOOLS['ceiling_ffmpeg']} | {meds['reference'] / meds['ceiling_ffmpeg']:.3f} | |")
        print(f"\nquiet run: other processes used < {QUIET:.0f} % of the CPU during it (foreign_cpu_pct); the number of"
              " quiet runs is in brackets\n")


    if by["threads"]:
        rs = by["threads"]
        threads = sorted({int(r["threads"]) for r in rs})
        print("## Scaling with decode threads (etab --threads, reference num_workers, ceiling processes)\n")
        print("| tool | " + " | ".join(f"{t} thread{'s' if t > 1 else ''}" for t in threads)
              + f" | {threads[-1]} / 1 |")
        print("| --- |" + " --- |" * (len(threads) + 1))
        for tool in TOOLS:
            m = {t: med(num(r["clips_per_s"]) for r in rs if r["tool"] == tool and int(r["threads"]) == t)
                 for t in threads}
            if all(v is None for v in m.values()):
                continue
            ratio = m[threads[-1]] / m[threads[0]] if m[threads[0]] and m[threads[-1]] else None
            print(f"| {TOOLS[tool]} clips/s | " + " | ".join(fmt(m[t]) for t in threads) + f" | {fmt(ratio, 2)} |")
        print(f"\nmedians of {max(len([r for r in rs if r['tool'] == 'etab' and int(r['threads']) == t]) for t in threads)}"
              f" runs; load1 at start {span([num(r['load1']) for r in rs], 2)}, others' CPU "
              f"{span([num(r['foreign_cpu_pct']) for r in rs])} %\n")

    if by["dataset"]:
        rs = by["dataset"]
        print("## Memory vs dataset size (TRAIN = 3/4 of the videos)\n")
        print("| videos | tool | clips per run | median clips/s | peak RSS MiB (process) | peak RSS MiB (all processes) "
              "| peak PSS MiB (all processes) | GNU time max RSS MiB |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for n in sorted({int(r["videos"]) for r in rs}):
            for tool in ("etab", "reference"):
                g = [r for r in rs if r["tool"] == tool and int(r["videos"]) == n]
                if not g:
                    continue
                print(f"| {n} | {TOOLS[tool]} | {g[0]['clips']} | {fmt(med(num(r['clips_per_s']) for r in g))} | "
                      f"{span([num(r['peak_rss_mb']) for r in g], 0)} | {span([num(r['tree_rss_mb']) for r in g], 0)} | "
                      f"{span([num(r['tree_pss_mb']) for r in g], 0)} | {span([num(r['time_maxrss_mb']) for r in g], 0)} |")
        print(f"\nload1 at start {span([num(r['load1']) for r in rs], 2)}, others' CPU "
              f"{span([num(r['foreign_cpu_pct']) for r in rs])} %\n")

    if by["prefetch"]:
        rs = by["prefetch"]
        print("## etab memory vs prefetch depth (200 videos, 2 threads)\n")
        print("| --prefetch | batches in flight (threads + prefetch + 2) | median clips/s | peak RSS MiB (runs) |")
        print("| --- | --- | --- | --- |")
        for p in sorted({int(r["prefetch"]) for r in rs}):
            g = [r for r in rs if int(r["prefetch"]) == p]
            print(f"| {p} | {int(g[0]['threads']) + p + 2} | {fmt(med(num(r['clips_per_s']) for r in g))} | "
                  f"{', '.join(fmt(num(r['peak_rss_mb']), 0) for r in g)} |")
        print(f"\nload1 at start {span([num(r['load1']) for r in rs], 2)}, others' CPU "
              f"{span([num(r['foreign_cpu_pct']) for r in rs])} %\n")


if __name__ == "__main__":
    main()
