#!/usr/bin/python3
"""Where a JFR recording's decode threads spent their samples: top frame of each Java execution sample and native
method sample on the threads whose name starts with PREFIX (default etab-decode), with their shares.

    /usr/bin/python3 bench/compare/jfr_top.py FILE.jfr [PREFIX] [N]

Record with ETAB_JAVA_OPTS="-XX:StartFlightRecording=filename=FILE.jfr,settings=profile" ./etab bench ...
(the whole run is recorded, JIT warm-up included). Native method samples are taken of threads that are in native
code, running or not.
"""
import collections
import json
import subprocess
import sys


def main():
    path = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else "etab-decode"
    top_n = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", path],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    threads = collections.Counter()
    top = collections.Counter()
    for e in events:
        v = e["values"]
        thread = (v.get("sampledThread") or {}).get("javaName") or "?"
        frames = (v.get("stackTrace") or {}).get("frames") or []
        kind = "native" if e["type"].endswith("NativeMethodSample") else "java"
        threads[(thread, kind)] += 1
        if frames and thread.startswith(prefix):
            m = frames[0]["method"]
            top[(kind, m["type"]["name"].replace("/", ".") + "." + m["name"])] += 1
    n = sum(top.values())
    print("samples per thread:", ", ".join("%s %s %d" % (t, k, c) for (t, k), c in threads.most_common()))
    print("%d samples on %s* threads, top frames:" % (n, prefix))
    for (kind, method), c in top.most_common(top_n):
        print("%5.1f %%  %4d  %-6s %s" % (100.0 * c / n, c, kind, method))


if __name__ == "__main__":
    main()
