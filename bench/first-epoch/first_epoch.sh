#!/usr/bin/env bash
# First-epoch benchmark (issue 15): per-epoch rates of fresh `etab bench` processes for W1 (EchoNet clips) and
# CAMUS stills, with the FFmpeg decode-only ceiling and the reference-style PyTorch loader in the same sitting,
# taking turns so that machine drift hits all of them alike.
#
#   bench/first-epoch/first_epoch.sh [--data DIR] [--out DIR] [--runs N] [--epochs E] [--camus-epochs E]
#                                    [--ref-epochs E] [--skip reference,ceiling,camus]
#
# --data  phantoms, written once if missing (default /tmp/etab-first-epoch/data):
#           echonet  etab synth --dataset echonet --out DIR/echonet --videos 200 --seed 42   (W1, 150 TRAIN videos)
#           camus    etab synth --dataset camus --out DIR/camus --seed 42                    (NIfTI)
# --runs  rounds (default 5); each round runs, in turn: W1 with --epochs E (default 20), CAMUS stills with
#         --camus-epochs E (default 20), the ceiling (ffmpeg_ceiling.sh ROOT train 2 concat) and the reference
#         loader (reference_loader.py --workers 2 --epochs --ref-epochs, default 2).
# Every etab run is a fresh JVM through ./etab (so ETAB_JAVA / ETAB_JAVA_OPTS / the launcher's caches apply):
#   etab bench ... --threads 2 --per-epoch --device cpu --quiet
# Writes OUT/epochs.csv (workload,run,epoch,clips,clips_per_s,cpu_s,jit_ms), OUT/runs.csv (workload,run,
# clips_per_s: whole runs, ceiling and reference included), OUT/logs/, and OUT/summary.md (medians), also printed:
# per epoch the median over runs; epoch 0 / median of epochs >= 5 (the issue's target: >= 0.8 for W1); the whole
# W1 run / the reference (target >= 15x); the ceiling.
# Needs Debian's python3-torch, python3-opencv, ffmpeg (bench/compare/README.md) for the reference and the ceiling;
# --skip reference,ceiling runs without them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
etab="$repo/etab"
py=/usr/bin/python3
data=/tmp/etab-first-epoch/data
out=/tmp/etab-first-epoch/run-$(date -u +%Y%m%dT%H%M%S)
runs=5; epochs=20; camus_epochs=20; ref_epochs=2; skip=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --data) data=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --camus-epochs) camus_epochs=$2; shift 2 ;;
    --ref-epochs) ref_epochs=$2; shift 2 ;;
    --skip) skip=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
skipped() { [[ ",$skip," == *",$1,"* ]]; }
for s in ${skip//,/ }; do
  case $s in reference|ceiling|camus) ;; *) echo "first_epoch.sh: --skip takes reference, ceiling, camus, not '$s'" >&2; exit 2 ;; esac
done
# checked before anything runs: a missing package would otherwise stop the script half-way, saying nothing
skipped reference || { [[ -x $py ]] && $py -c 'import cv2, torch, numpy' 2>/dev/null; } || {
  echo "first_epoch.sh: the reference loader needs Debian's python3-opencv python3-torch python3-numpy for $py" \
       "(apt-get install -y ...), or --skip reference" >&2; exit 1; }
skipped ceiling || command -v ffmpeg >/dev/null || {
  echo "first_epoch.sh: the decode ceiling needs Debian's ffmpeg (apt-get install -y ffmpeg), or --skip ceiling" >&2; exit 1; }
mkdir -p "$data" "$out/logs"
[[ -f $data/echonet/FileList.csv ]] || "$etab" synth --dataset echonet --out "$data/echonet" --videos 200 --seed 42 --quiet
skipped camus || [[ -d $data/camus/database_nifti ]] || "$etab" synth --dataset camus --out "$data/camus" --seed 42 --quiet
{ uname -a; nproc; grep -m1 'model name' /proc/cpuinfo || true; echo "java (what ./etab runs on): $("$repo/bench/compare/etab_java.sh" "$repo")"; git -C "$repo" rev-parse --short HEAD;
  date -u; uptime; } > "$out/machine.txt"
echo "workload,run,epoch,clips,clips_per_s,cpu_s,jit_ms" > "$out/epochs.csv"
echo "workload,run,clips_per_s,load1" > "$out/runs.csv"

etab_run() {    # WORKLOAD RUN -- etab bench flags
  local w=$1 r=$2; shift 3
  local log="$out/logs/$w-$r.txt" load1
  load1=$(cut -d' ' -f1 /proc/loadavg)
  "$etab" bench "$@" --threads 2 --per-epoch --device cpu --quiet > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
  sed -n 's/^EPOCH \([0-9]*\) clips=\([0-9]*\) clips_per_s=\([0-9.]*\).* cpu_s=\([0-9.]*\) jit_ms=\([0-9]*\).*/\1,\2,\3,\4,\5/p' \
    "$log" | sed "s/^/$w,$r,/" >> "$out/epochs.csv"
  echo "$w,$r,$(grep -o '^RESULT.*clips_per_s=[0-9.]*' "$log" | grep -o '[0-9.]*$'),$load1" >> "$out/runs.csv"
  echo "[$w run $r] $(tail -1 "$log")" >&2
}

for r in $(seq 1 "$runs"); do
  etab_run w1 "$r" -- --dataset echonet --root "$data/echonet" --split train --target EF --clip-length 32 --fps 25 \
    --batch 20 --epochs "$epochs"
  skipped camus || etab_run camus "$r" -- --dataset camus --root "$data/camus" --split train --target LV_seg \
    --video false --frame-size 224x224 --batch 20 --epochs "$camus_epochs"
  if ! skipped ceiling; then
    line=$("$repo/bench/compare/ffmpeg_ceiling.sh" "$data/echonet" train 2 concat | tail -1)
    echo "$line" > "$out/logs/ceiling-$r.txt"
    echo "ceiling,$r,$(grep -o 'clip_ceiling_per_s=[0-9.]*' <<<"$line" | cut -d= -f2),$(cut -d' ' -f1 /proc/loadavg)" >> "$out/runs.csv"
    echo "[ceiling run $r] $line" >&2
  fi
  if ! skipped reference; then
    line=$($py "$repo/bench/compare/reference_loader.py" --root "$data/echonet" --split train --epochs "$ref_epochs" \
      --batch 20 --workers 2 2>"$out/logs/reference-$r.err" | grep '^REFERENCE' | tail -1) || {
      tail -5 "$out/logs/reference-$r.err" >&2; echo "first_epoch.sh: the reference loader failed (above)" >&2; exit 1; }
    echo "$line" > "$out/logs/reference-$r.txt"
    echo "reference,$r,$(grep -o 'clips_per_s=[0-9.]*' <<<"$line" | head -1 | cut -d= -f2),$(cut -d' ' -f1 /proc/loadavg)" >> "$out/runs.csv"
    echo "[reference run $r] $line" >&2
  fi
done

$py - "$out" <<'PY' | tee "$out/summary.md"
import csv, statistics, sys
from collections import defaultdict
out = sys.argv[1]
med = statistics.median
epochs = defaultdict(lambda: defaultdict(list))
cpu = defaultdict(lambda: defaultdict(list))  # CPU ms per clip: on a loaded machine the steadier signal
for row in csv.DictReader(open(f"{out}/epochs.csv")):
    epochs[row["workload"]][int(row["epoch"])].append(float(row["clips_per_s"]))
    cpu[row["workload"]][int(row["epoch"])].append(1000 * float(row["cpu_s"]) / max(1, int(row["clips"])))
runs = defaultdict(list)
for row in csv.DictReader(open(f"{out}/runs.csv")):
    if row["clips_per_s"]:
        runs[row["workload"]].append(float(row["clips_per_s"]))
print(f"# First-epoch benchmark: {out}\n")
for w, per in epochs.items():
    n = max(len(v) for v in per.values())
    print(f"## {w}: clips/s per epoch, median of {n} fresh JVMs\n")
    print("| epoch | " + " | ".join(str(e) for e in sorted(per)) + " |")
    print("| --- " * (len(per) + 1) + "|")
    print("| median | " + " | ".join(f"{med(per[e]):.1f}" for e in sorted(per)) + " |")
    print("| CPU ms/clip | " + " | ".join(f"{med(cpu[w][e]):.2f}" for e in sorted(per)) + " |")
    late = [x for e in per if e >= 5 for x in per[e]]
    if late:
        late_cpu = med([x for e in per if e >= 5 for x in cpu[w][e]])
        print(f"\nepoch 0: {med(per[0]):.1f}; epochs >= 5: {med(late):.1f}; ratio **{med(per[0]) / med(late):.2f}** "
              f"(by CPU per clip: {late_cpu / med(cpu[w][0]):.2f})\n")
for w, v in runs.items():
    print(f"- {w}: whole runs {', '.join(f'{x:.1f}' for x in v)}; median **{med(v):.1f}** clips/s")
if runs.get("w1") and runs.get("reference"):
    print(f"\nW1 whole run / reference (medians): **{med(runs['w1']) / med(runs['reference']):.1f}x**")
if runs.get("w1") and runs.get("ceiling"):
    print(f"W1 whole run / decode ceiling (medians): {med(runs['w1']) / med(runs['ceiling']):.2f}")
PY
