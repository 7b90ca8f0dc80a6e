#!/usr/bin/env bash
# Workload W2 side by side (performance.md): segmentation frames, LV_seg, video=false, 224x224, normalized, batch 20.
# etab bench (2 threads) vs reference_w2.py (DataLoader, 2 workers) on the SAME phantom files, interleaved.
#
#   bench/compare/w2.sh [--out DIR] [--data DIR] [--reps N] [--ref-reps N] [--datasets LIST]
#                       [--epochs E] [--ref-epochs E] [--max-load L] [--max-wait S]
#
#   --out DIR        where runs.csv, machine.txt, the raw logs and summary.md go (default /tmp/etab-w2/<UTC time>)
#   --data DIR       where the phantoms are written, once (default /tmp/etab-w2/data):
#                      echonet200  etab synth --dataset echonet --out DIR/echonet200 --videos 200 --seed 42
#                      camus       etab synth --dataset camus --out DIR/camus --seed 42          (50 patients, NIfTI)
#                      camus-mhd   etab synth --dataset camus --release mhd --out DIR/camus-mhd --seed 42 (MetaImage)
#   --reps N         etab runs per dataset (default 5)
#   --ref-reps N     reference runs per dataset, and short etab runs (default 3; in the first N repetitions)
#   --datasets LIST  comma-separated, from echonet, camus, camus-mhd (default all three)
#   --epochs E       etab epochs per run (default 100: 15,000 EchoNet / 8,000 CAMUS samples; etab's rate still
#                    climbs with run length (JIT warm-up), so it also runs ...
#   --ref-epochs E   ... "etab_short" runs of the reference's length: reference and etab_short epochs per run
#                    (default 4: 600 EchoNet / 320 CAMUS samples)
#   --max-load L     before the first run, wait until the 1-minute load average is below L (default 1.0) ...
#   --max-wait S     ... for at most S seconds, then measure anyway (default 600)
#
# One row per run in runs.csv; summarize_w2.py prints the medians and ratios (also written to summary.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3

out="/tmp/etab-w2/$(date -u +%Y%m%dT%H%M%SZ)"
data=/tmp/etab-w2/data
reps=5
ref_reps=3
datasets=echonet,camus,camus-mhd
epochs=100
ref_epochs=4
max_load=1.0
max_wait=600
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --ref-reps) ref_reps="$2"; shift 2 ;;
    --datasets) datasets="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --ref-epochs) ref_epochs="$2"; shift 2 ;;
    --max-load) max_load="$2"; shift 2 ;;
    --max-wait) max_wait="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
(( ref_reps <= reps )) || {   # the reference runs in the first --ref-reps of the --reps repetitions
  echo "w2.sh: --ref-reps ($ref_reps) may not exceed --reps ($reps)" >&2; exit 2; }
mkdir -p "$out/logs" "$data"
data="$(cd "$data" && pwd)"
csv="$out/runs.csv"
etab="$repo/etab"
ncpu=$(nproc)

# --- preconditions and phantoms ----------------------------------------------------------------------------------
[[ -x $py ]] && $py -c 'import cv2, torch, torchvision, numpy, PIL, skimage, nibabel' 2>/dev/null || {
  echo "needs Debian's python3-opencv python3-torch python3-torchvision python3-numpy python3-pil python3-skimage" \
       "python3-nibabel (apt-get install -y ...)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install -y time)" >&2; exit 1; }
"$etab" --version >/dev/null   # builds the CLI now, not inside a measured run

root_of() {
  case "$1" in
    echonet) echo "$data/echonet200" ;;
    camus) echo "$data/camus" ;;
    camus-mhd) echo "$data/camus-mhd" ;;
    *) echo "unknown dataset $1 (echonet, camus, camus-mhd)" >&2; return 1 ;;
  esac
}
IFS=, read -r -a dss <<< "$datasets"
for ds in "${dss[@]}"; do root_of "$ds" >/dev/null; done
# the phantoms of the datasets asked for, each once
has() { [[ ",$datasets," == *",$1,"* ]]; }
! has echonet || [[ -f $data/echonet200/FileList.csv ]] ||
  "$etab" synth --dataset echonet --out "$data/echonet200" --videos 200 --seed 42 --quiet
! has camus || [[ -d $data/camus/database_nifti ]] || "$etab" synth --dataset camus --out "$data/camus" --seed 42 --quiet
! has camus-mhd || [[ -d $data/camus-mhd/training ]] ||
  "$etab" synth --dataset camus --release mhd --out "$data/camus-mhd" --seed 42 --quiet

{
  echo "# machine: $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); nproc $ncpu; $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "# java (what ./etab runs on): $("$repo/bench/compare/etab_java.sh" "$repo")"
  echo "# python: $($py -c 'import sys, cv2, torch, torchvision, numpy, PIL, skimage, nibabel; print(sys.version.split()[0], "opencv", cv2.__version__, "torch", torch.__version__, "torchvision", torchvision.__version__, "numpy", numpy.__version__, "PIL", PIL.__version__, "skimage", skimage.__version__, "nibabel", nibabel.__version__)')"
  echo "# etab: $(git -C "$repo" rev-parse --short HEAD) $(git -C "$repo" status --porcelain | grep -q . && echo dirty || echo clean)"
  echo "# etab epochs $epochs, reference epochs $ref_epochs, reps $reps / $ref_reps"
} > "$out/machine.txt"
cat "$out/machine.txt" >&2

echo "dataset,tool,rep,threads,epochs,per_epoch,samples,seconds,samples_per_s,first_batch_s,peak_rss_mb,tree_rss_mb,tree_pss_mb,time_maxrss_mb,wall_s,cpu_s,load1,foreign_cpu_pct,utc" > "$csv"

# --- helpers (as in compare.sh) ----------------------------------------------------------------------------------
load1() { cut -d' ' -f1 /proc/loadavg; }
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }   # user nice system irq softirq steal
kv() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<< " $2" | tail -1; }

wait_quiet() {
  local waited=0
  while awk -v l="$(load1)" -v m="$max_load" 'BEGIN { exit !(l >= m) }'; do
    if (( waited >= max_wait )); then
      echo "load $(load1) still >= $max_load after ${waited}s: measuring anyway (see load1 in the CSV)" >&2; return
    fi
    (( waited == 0 )) && echo "waiting for the 1-minute load average ($(load1)) to drop below $max_load..." >&2
    sleep 10; waited=$((waited + 10))
  done
  echo "load $(load1): measuring" >&2
}

# run_one DATASET TOOL REP EPOCHS -- command...
run_one() {
  local ds=$1 tool=$2 rep=$3 ep=$4; shift 5
  local tag="${ds}-${tool}-r${rep}" log tfile l1 b0 b1 utc
  log="$out/logs/$tag.log"; tfile="$out/logs/$tag.time"
  l1=$(load1); utc=$(date -u +%Y-%m-%dT%H:%M:%SZ); b0=$(busy_jiffies)
  /usr/bin/time -o "$tfile" -f '%e %U %S %M' bash -c '"$@"' _ "$@" > "$log" 2>&1 ||
    { echo "FAILED: $* (see $log)" >&2; tail -5 "$log" >&2; return 1; }
  b1=$(busy_jiffies)
  local wall user sys maxrss; read -r wall user sys maxrss < <(tail -1 "$tfile")
  local cpu; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  local hz; hz=$(getconf CLK_TCK)
  local foreign; foreign=$(awk -v b="$(( b1 - b0 ))" -v hz="$hz" -v c="$cpu" -v w="$wall" -v n="$ncpu" \
      'BEGIN { f = (b / hz - c) / (w * n) * 100; if (f < 0) f = 0; printf "%.1f", f }')
  local line samples seconds sps first rss trss tpss per threads
  case "$tool" in
    etab|etab_short)
      line=$(grep '^RESULT ' "$log" | tail -1)
      samples=$(kv clips "$line"); seconds=$(kv seconds "$line"); sps=$(kv clips_per_s "$line")
      rss=$(kv peak_rss_mb "$line"); trss=$rss; tpss=""; first=""; threads=2
      per=$(( samples / ep )) ;;
    reference)
      line=$(grep '^REFERENCE_W2 ' "$log" | tail -1)
      samples=$(kv samples "$line"); seconds=$(kv seconds "$line"); sps=$(kv samples_per_s "$line")
      first=$(kv first_batch_s "$line"); rss=$(kv peak_rss_mb "$line"); per=$(kv per_epoch "$line")
      trss=$(kv tree_peak_rss_mb "$line"); tpss=$(kv tree_peak_pss_mb "$line"); threads=$(kv workers "$line") ;;
  esac
  [[ -n $sps ]] || { echo "no result line in $log" >&2; return 1; }
  echo "$ds,$tool,$rep,$threads,$ep,$per,$samples,$seconds,$sps,$first,$rss,$trss,$tpss,$(( maxrss / 1024 )),$wall,$cpu,$l1,$foreign,$utc" >> "$csv"
  printf '[%-9s] %-9s rep %s: %8s samples/s  rss %5s MiB  load %s  others %s%%\n' \
    "$ds" "$tool" "$rep" "$sps" "${trss:--}" "$l1" "$foreign" >&2
}

etab_w2() {      # DATASET ROOT EPOCHS
  "$etab" bench --dataset "${1%-mhd}" --root "$2" --split train --target LV_seg --video false --frame-size 224x224 \
    --batch 20 --threads 2 --epochs "$3" --device cpu --quiet
}
reference_w2() { # DATASET ROOT EPOCHS
  $py "$here/reference_w2.py" --dataset "${1%-mhd}" --root "$2" --split train --epochs "$3" --batch 20 --workers 2 \
    --size 224
}
export etab py here
export -f etab_w2 reference_w2

# --- etab / etab_short / reference, interleaved per dataset and repetition -----------------------------------------------------
wait_quiet
for ((r = 1; r <= reps; r++)); do
  for ds in "${dss[@]}"; do
    root=$(root_of "$ds")
    run_one "$ds" etab "$r" "$epochs" -- etab_w2 "$ds" "$root" "$epochs"
    if (( r <= ref_reps )); then
      run_one "$ds" etab_short "$r" "$ref_epochs" -- etab_w2 "$ds" "$root" "$ref_epochs"
      run_one "$ds" reference "$r" "$ref_epochs" -- reference_w2 "$ds" "$root" "$ref_epochs"
    fi
  done
done

$py "$here/summarize_w2.py" "$out" | tee "$out/summary.md"
echo "runs: $csv" >&2
