#!/usr/bin/env bash
# Everything a lent GPU machine is asked, in one call (it has CUDA but no JDK and no network). Build the bundle here
# first (bash bench/check-on-gpu.sh), then call the run tool with
#   command: bash bench/gpu-session.sh   carry: ["gpu-bundle"]   timeout_s: 480
# Steps, each under its own timeout, all output kept in $OUT (the run tool brings it back):
#   machine.txt   the GPU, driver, cores, where libcudart.so.13 was found
#   gpucheck.txt  GpuCheck: kernel vs float64 reference, copy ceiling, upload+normalize rates, end to end, memory
#   cli.txt       the CLI as a user runs it: etab synth ($VIDEOS videos, default 2000), then W1 `etab bench`,
#                 --device cpu and --device cuda alternated ($ROUNDS rounds, default 3)
#   demo/         `etab demo --device cuda`: its RESULT line is in cli.txt, its PNG and GIF here
#   (cli.txt also has README's CudaFeederExample, run on the same set)
#   metrics.txt   /api/stats and the feeder's Prometheus series, read twice during a --device cuda run
#   datasets.txt  CAMUS (EF clips, LV_seg stills) and TMED-2 phantoms through etab bench, --device cpu then cuda
#                 (STEPS=datasets; not in the default; DATASET_EPOCHS, default 5, and DATASET_ROUNDS of cpu/cuda
#                 pairs, default 1)
#   auto.txt      `etab demo` without --device: what auto chose, and the summary
# STEPS=check,cli,auto,metrics (the default) picks steps; the phantom set is written once, for whichever runs first
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/etab-gpu-out}
mkdir -p "$out/demo"
data=/tmp/etab-gpu-data
step() { echo; echo "== $* ($(date -u +%H:%M:%S) UTC)"; }

{
  step machine
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  echo "cores: $(nproc)"
  bash gpu-bundle/run-bundle.sh -version 2>&1 # unpacks the bundle to /tmp/etab-bundle once
  libs=$(find / -xdev \( -name 'libcudart.so.13*' -o -name 'libnvrtc.so.13*' \) 2>/dev/null | xargs -r -n1 dirname | sort -u)
  echo "libcudart/libnvrtc found in: $libs"
} 2>&1 | tee "$out/machine.txt"

user_ld_path=${LD_LIBRARY_PATH:-} # as a user's shell has it: the auto step runs with it
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:$(find / -xdev -name 'libcudart.so.13*' 2>/dev/null | xargs -r -n1 dirname | sort -u | paste -sd:)"
# the bundle's java with its classpath, and the CLI as ./etab runs it (`timeout` needs programs, not functions)
java=(/tmp/etab-bundle/jre/bin/java -cp '/tmp/etab-bundle/lib/*')
etab=("${java[@]}" -Detab.home=/tmp/etab-gpu-home org.etab.cli.Etab)

videos=${VIDEOS:-2000} rounds=${ROUNDS:-3} steps=${STEPS:-check,cli,auto,metrics}
has() { [[ ",$steps," == *",$1,"* ]]; }
has check && {
  step "GpuCheck 600 videos, 10 epochs, batch 16"
  timeout 240 "${java[@]}" org.etab.bench.gpu.GpuCheck 600 10 16
  echo "exit: $?"
} 2>&1 | tee "$out/gpucheck.txt"

[[ -f $data/FileList.csv ]] || timeout 120 "${etab[@]}" synth --out "$data" --videos "$videos" --quiet
has cli && {
  # alternated, so that a drift of the machine shows in both
  for round in $(seq "$rounds"); do
    for device in cpu cuda; do
      step "round $round: etab bench W1 --device $device --threads 16 --epochs 5 --per-epoch"
      timeout 90 "${etab[@]}" bench --root "$data" --split all --device $device --threads 16 --epochs 5 \
        --per-epoch --quiet
      echo "exit: $?"
    done
  done
  step "README's CudaFeederExample on the same set"
  timeout 90 "${java[@]}" org.etab.examples.CudaFeederExample "$data"
  echo "exit: $?"
  step "etab demo --device cuda --epochs 3"
  timeout 90 "${etab[@]}" demo --root "$data" --device cuda --epochs 3 --out "$out/demo" --quiet
  echo "exit: $?"
} 2>&1 | tee "$out/cli.txt"

# the main job as a user starts it, without --device and with the machine's own LD_LIBRARY_PATH (not the one this
# script extends with where it found libcudart): auto must pick the GPU and say so, or say why not
has auto && {
  step "etab demo (device auto) --epochs 3 --verbose, LD_LIBRARY_PATH='$user_ld_path'"
  LD_LIBRARY_PATH=$user_ld_path timeout 90 "${etab[@]}" demo --root "$data" --epochs 3 --out "$out/demo" --verbose \
    2>&1 | grep -v '^\s*$' | tail -16
  echo "exit: ${PIPESTATUS[0]}"
} 2>&1 | tee "$out/auto.txt"

# the metrics server during a --device cuda run, as a dashboard reads it: /api/stats (the built-in page's numbers)
# and /metrics (what Prometheus scrapes; the Grafana dashboard's GPU feed row)
has metrics && {
  step "etab bench --device cuda --metrics-port 9464 --epochs 40, read twice while it runs"
  timeout 120 "${etab[@]}" bench --root "$data" --split all --device "${METRICS_DEVICE:-cuda}" --threads 16 --epochs 40 --quiet \
    --metrics-port 9464 > "$out/metrics-run.txt" 2>&1 &
  run=$!
  for i in 1 2; do
    sleep 6
    python3 -c 'import sys, urllib.request as u
for path in ("api/stats", "metrics"):
    body = u.urlopen("http://127.0.0.1:9464/" + path, timeout=5).read().decode()
    print(body if path == "api/stats" else "\n".join(l for l in body.splitlines()
          if l.startswith(("etab_upload", "etab_normalize", "etab_samples_total"))))' || echo "read $i failed"
  done
  wait "$run"; echo "exit: $?"
  tail -1 "$out/metrics-run.txt"
} 2>&1 | tee "$out/metrics.txt"
# the other datasets through the device: CAMUS clips and stills with LV masks, TMED-2 stills with view labels
# ([n, C, H, W]: no time axis), each --device cpu then --device cuda
has datasets && {
  for ds in camus tmed; do
    [[ -d /tmp/etab-gpu-$ds ]] || timeout 120 "${etab[@]}" synth --dataset $ds --out /tmp/etab-gpu-$ds --quiet
  done
  epochs=${DATASET_EPOCHS:-5}
  for selection in "camus" "camus --target LV_seg --video false" "tmed"; do
    for round in $(seq "${DATASET_ROUNDS:-1}"); do
      for device in cpu cuda; do
        step "round $round: etab bench --dataset $selection --device $device --epochs $epochs"
        # shellcheck disable=SC2086 # the selection's words are flags
        timeout 90 "${etab[@]}" bench --dataset $selection --root "/tmp/etab-gpu-${selection%% *}" --split all \
          --device $device --threads 16 --epochs "$epochs" --quiet
        echo "exit: $?"
      done
    done
  done
} 2>&1 | tee "$out/datasets.txt"
step done
