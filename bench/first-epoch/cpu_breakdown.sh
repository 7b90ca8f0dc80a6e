#!/usr/bin/env bash
# Where epoch 0's CPU goes (issue 15): records two fresh `etab bench` W1 processes with Linux perf (one epoch, then
# 1 + EXTRA epochs; the same flags as first_epoch.sh's W1) and prints, per thread group and per kind of code
# (FFmpeg, JIT-compiled Java, interpreter, JVM, kernel, other), the CPU seconds of epoch 0 against a warm epoch.
#
#   bench/first-epoch/cpu_breakdown.sh [--data DIR] [--extra 6] [--out DIR]
#
# Needs `perf` (Debian: linux-perf) and the right to profile (root, or kernel.perf_event_paranoid <= 1). The JVM
# writes its JIT symbol map at exit (-XX:+DumpPerfMapAtExit) so that compiled Java is named. CPU seconds are
# steadier than wall-clock rates on a shared machine, but a loaded one still stretches compile queues.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
data=/tmp/etab-first-epoch/data
extra=6
out=/tmp/etab-cpu-breakdown
while [[ $# -gt 0 ]]; do
  case $1 in
    --data) data=$2; shift 2 ;;
    --extra) extra=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
command -v perf >/dev/null || { echo "perf not found (Debian: apt-get install linux-perf)" >&2; exit 2; }
mkdir -p "$out"
[[ -f $data/echonet/FileList.csv ]] || "$repo/etab" synth --dataset echonet --out "$data/echonet" --videos 200 --seed 42 --quiet
"$repo/etab" --version >/dev/null 2>&1 || true # builds the CLI and trains its start-up cache outside the recordings

record() { # EPOCHS NAME
  ETAB_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit ${ETAB_JAVA_OPTS:-}" \
    perf record -q -e cpu-clock -F 2000 -o "$out/$2.data" -- "$repo/etab" bench --dataset echonet \
    --root "$data/echonet" --split train --target EF --clip-length 32 --fps 25 --batch 20 --epochs "$1" \
    --threads 2 --per-epoch --device cpu --quiet > "$out/$2.log" 2>&1 ||
    { tail -20 "$out/$2.log" >&2; echo "cpu_breakdown.sh: perf record of etab bench failed (above; the log: $out/$2.log)" >&2; exit 1; }
  perf script -i "$out/$2.data" -F comm,tid,time,ip,sym,dso > "$out/$2.txt" 2>/dev/null
  # the JVM's symbol map (/tmp/perf-PID.map) has served: remove it rather than leave one per run in /tmp
  local pid
  for pid in $(perf script -i "$out/$2.data" -F pid 2>/dev/null | sort -u); do rm -f "/tmp/perf-$pid.map"; done
}
record 1 one
record $((1 + extra)) many
grep '^EPOCH' "$out/many.log" || true
echo
/usr/bin/python3 "$here/cpu_breakdown.py" "$out/one.txt" "$out/many.txt" "$extra"
