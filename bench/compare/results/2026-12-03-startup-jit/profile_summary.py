"""Summarizes an async-profiler collapsed CPU profile (event=cpu, interval=500us, threads): CPU seconds per thread
and, for the main thread, the inclusive share of the start-up steps named below."""
import collections, re, sys

STEPS = {
    "picocli/CommandLine.<init>": "picocli builds the command model (reflection)",
    "org/etab/decode/DecodeErrors.loadLibraries": "FFmpeg's libraries loaded (JavaCPP Loader)",
    "org/etab/config/EtabConfig.load": "configuration read (Jackson YAML)",
    "org/etab/api/Datasets.open": "dataset index read (FileList, VolumeTracings)",
    "jdk/internal/loader/BuiltinClassLoader.loadClass": "classes loaded from jars (not in the AOT cache)",
}
interval = 0.0005
threads = collections.Counter()
steps = collections.Counter()
for line in open(sys.argv[1]):
    stack, n = line.rsplit(" ", 1)
    frames = stack.split(";")
    name = re.sub(r" tid=\d+\]", "]", frames[0])
    threads[name] += int(n)
    if name == "[main]":
        for f in set(frames[1:]):
            if f in STEPS:
                steps[f] += int(n)
for name, n in threads.most_common(8):
    print(f"{name:28s} {n * interval:6.2f} s CPU")
print("main thread, inclusive:")
for f, n in steps.most_common():
    print(f"  {n * interval:5.2f} s  {STEPS[f]}")
