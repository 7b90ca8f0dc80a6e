#!/usr/bin/env bash
# W1 on the lent GPU machine's 16 cores: how etab bench scales with decode threads, against the reference-style
# PyTorch loader (its DataLoader workers) and the OpenCV decode-only ceiling, all on the same W1 phantom (200
# videos, seed 42, TRAIN split, the fixture of bench/compare/compare.sh). That machine has no JDK and no ffmpeg
# CLI: etab runs from the bundle (bash bench/check-on-gpu.sh here first), Python is the machine's own python3
# (PyTorch, OpenCV). Run tool: command `bash bench/gpu-scaling.sh`, carry ["gpu-bundle"], timeout_s 300.
# Writes $OUT/scaling.txt: one RESULT / REFERENCE / CEILING line per run, each after a line naming it.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/etab-gpu-out}
mkdir -p "$out"
data=/tmp/etab-w1
bash gpu-bundle/run-bundle.sh -version >/dev/null 2>&1 # unpacks the bundle once
etab=(/tmp/etab-bundle/jre/bin/java -cp '/tmp/etab-bundle/lib/*' -Detab.home=/tmp/etab-gpu-home org.etab.cli.Etab)
run() { echo "== $* ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg))"; timeout 120 "$@" 2>&1 | tail -1; }
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
  python3 -c 'import sys, cv2, torch; print("python", sys.version.split()[0], "opencv", cv2.__version__, "torch", torch.__version__)'
  "${etab[@]}" synth --dataset echonet --out "$data" --videos 200 --seed 42 --quiet
  for rep in 1 2; do
    for t in 1 2 4 8 16; do
      run "${etab[@]}" bench --dataset echonet --root "$data" --split train --target EF --clip-length 32 --fps 25 \
        --batch 20 --threads "$t" --prefetch 2 --epochs 20 --device cpu --quiet
    done
  done
  for w in 2 8 16; do
    run python3 bench/compare/reference_loader.py --root "$data" --split train --epochs 2 --batch 20 --workers "$w" \
      --clip-length 32 --fps 25
  done
  for p in 2 16; do
    PY=python3 run bash bench/compare/ffmpeg_ceiling.sh "$data" train "$p" opencv
  done
} 2>&1 | tee "$out/scaling.txt"
