#!/usr/bin/python3
"""Where the CPU of epoch 0 goes, against a warm epoch, from two `perf script` dumps of fresh `etab bench` runs
(see cpu_breakdown.sh, which makes them):

    /usr/bin/python3 bench/first-epoch/cpu_breakdown.py ONE_EPOCH.txt MANY_EPOCHS.txt EXTRA_EPOCHS

Each sample is counted by thread group (decode threads, the C1 and C2 compiler threads, the main thread, the rest)
and by what it ran (FFmpeg, JIT-compiled Java, the interpreter, the JVM itself, the kernel, other native code).
Epoch 0 is every sample taken while the decode threads ran in the one-epoch run (from their first sample to their
last); a warm epoch is (many-epoch run - one-epoch run) / EXTRA_EPOCHS, so start-up and shut-down cancel.
Prints CPU seconds per epoch, to compare with the `cpu_s` of `--per-epoch`.
"""
import collections
import re
import sys

SAMPLE = re.compile(r"\s*(.+?)\s+(\d+)\s+([\d.]+):\s+([0-9a-f]+)\s+(.*)\((.*)\)\s*$")
HZ = 2000  # cpu_breakdown.sh records at this rate
GROUPS = ["decode", "C2", "C1", "main", "rest"]
KINDS = ["ffmpeg", "jit", "interp", "jvm", "kernel", "other"]


def group(comm):
    if comm.startswith("etab-decode"):
        return "decode"
    if comm.startswith(("C1 Compiler", "C2 Compiler")):
        return comm[:2]
    return "main" if comm == "java" else "rest"


def kind(sym, dso):
    if "Interpreter" in sym:
        return "interp"
    if dso.startswith("[JIT]") or "/perf-" in dso:
        return "jit"
    if "libjvm" in dso:
        return "jvm"
    if "libav" in dso or "libsw" in dso:
        return "ffmpeg"
    if "kernel" in dso:
        return "kernel"
    return "other"


def samples(path):
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            m = SAMPLE.match(line)
            if m:
                comm, _, t, _, sym, dso = m.groups()
                out.append((group(comm.strip()), float(t), kind(sym.strip(), dso.strip())))
    return out


def seconds(rows):
    c = collections.Counter((g, k) for g, _, k in rows)
    return {key: n / HZ for key, n in c.items()}


def main():
    one, many, extra = samples(sys.argv[1]), samples(sys.argv[2]), int(sys.argv[3])
    decode_times = [t for g, t, _ in one if g == "decode"]
    if not decode_times:
        sys.exit("no decode-thread samples in " + sys.argv[1])
    start, end = min(decode_times), max(decode_times)
    epoch0 = seconds([r for r in one if start <= r[1] <= end])
    whole_one, whole_many = seconds(one), seconds(many)
    warm = {key: (whole_many.get(key, 0) - whole_one.get(key, 0)) / extra for key in set(whole_one) | set(whole_many)}
    print(f"epoch 0 ran {end - start:.2f} s (decode threads' first to last sample); CPU seconds per epoch:\n")
    print("| threads | ran | epoch 0 | warm epoch | epoch 0 - warm |")
    print("| --- | --- | --- | --- | --- |")
    for g in GROUPS:
        for k in KINDS:
            a, b = epoch0.get((g, k), 0), warm.get((g, k), 0)
            if max(a, b) >= 0.01:
                print(f"| {g} | {k} | {a:.3f} | {b:.3f} | {a - b:+.3f} |")
    a, b = sum(epoch0.values()), sum(warm.values())
    print(f"| all | all | {a:.3f} | {b:.3f} | {a - b:+.3f} |")


if __name__ == "__main__":
    main()
