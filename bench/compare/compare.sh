#!/usr/bin/env bash
# Side-by-side W1 comparison on the SAME phantom files: etab bench vs the reference-style PyTorch loader vs a tuned
# PyAV loader that decodes only the clip's frames vs the decode-only ceiling, interleaved, plus scaling (threads / workers / procs) and memory (dataset size, prefetch).
#
#   bench/compare/compare.sh [--out DIR] [--data DIR] [--reps N] [--small-reps N] [--epochs E] [--ref-epochs E]
#                            [--pyav-epochs E] [--series main,threads,dataset,prefetch] [--max-load L] [--max-wait S]
#
#   --out DIR        where runs.csv, the raw logs and summary.md go (default /tmp/etab-compare/<UTC time>)
#   --data DIR       where the phantoms are written (default /tmp/etab-compare/data; each is written once:
#                    `etab synth --dataset echonet --out DIR/echonetN --videos N --seed 42`, N = 200, and 100
#                    and 400 for the dataset series;
#                    echonet200 is exactly what `./etab demo` writes to phantom/echonet)
#   --reps N         repetitions of the main series (default 5)
#   --small-reps N   repetitions of the threads, dataset and prefetch series (default 3)
#   --epochs E       etab epochs per run on the 200-video set (default 10: 1,500 clips)
#   --ref-epochs E   reference epochs per run (default 2: 300 clips; it runs at ~1/15 of etab's rate)
#   --pyav-epochs E  pyav_loader.py epochs per run (default 4: 600 clips; main and threads series)
#   --series LIST    which series to run (default all four)
#   --max-load L     before each series, wait until the 1-minute load average is below L (default 1.0)
#   --max-wait S     ... for at most S seconds, then measure anyway (the load goes into the CSV) (default 600)
#
# Every run is one row of runs.csv (see README.md for the columns). At the end summarize.py prints the medians
# and ratios (also written to summary.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3

out="/tmp/etab-compare/$(date -u +%Y%m%dT%H%M%SZ)"
data=/tmp/etab-compare/data
reps=5
small_reps=3
epochs=10
ref_epochs=2
pyav_epochs=4
series=main,threads,dataset,prefetch
max_load=1.0
max_wait=600
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --small-reps) small_reps="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --ref-epochs) ref_epochs="$2"; shift 2 ;;
    --pyav-epochs) pyav_epochs="$2"; shift 2 ;;
    --series) series="$2"; shift 2 ;;
    --max-load) max_load="$2"; shift 2 ;;
    --max-wait) max_wait="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for s in ${series//,/ }; do
  case $s in main|threads|dataset|prefetch) ;; *) echo "unknown series $s (main, threads, dataset, prefetch)" >&2; exit 2 ;; esac
done
mkdir -p "$out/logs" "$data"
csv="$out/runs.csv"
etab="$repo/etab"
ncpu=$(nproc)

# --- preconditions ---------------------------------------------------------------------------------------------
[[ -x $py ]] && $py -c 'import av, cv2, torch, numpy' 2>/dev/null || {
  echo "needs Debian's python3-av python3-opencv python3-torch python3-numpy (apt-get install -y ...)" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "needs Debian's ffmpeg (apt-get install -y ffmpeg)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install -y time)" >&2; exit 1; }
"$etab" --version >/dev/null   # builds the CLI now, not inside a measured run

has() { [[ ",$series," == *",$1,"* ]]; }
sizes=200; has dataset && sizes="100 200 400"   # only the dataset series reads the 100- and 400-video sets
for n in $sizes; do
  if [[ ! -f "$data/echonet$n/FileList.csv" ]]; then
    "$etab" synth --dataset echonet --out "$data/echonet$n" --videos "$n" --seed 42 >&2
  fi
done

{
  echo "# machine: $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $ncpu cpus; $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "# java (what ./etab runs on): $("$repo/bench/compare/etab_java.sh" "$repo")"
  echo "# python: $($py -c 'import sys, av, cv2, torch, numpy; print(sys.version.split()[0], "opencv", cv2.__version__, "torch", torch.__version__, "numpy", numpy.__version__, "av", av.__version__)')"
  echo "# ffmpeg: $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
  echo "# etab: $(git -C "$repo" rev-parse --short HEAD) $(git -C "$repo" status --porcelain | grep -q . && echo dirty || echo clean)"
} > "$out/machine.txt"
cat "$out/machine.txt" >&2

echo "series,tool,rep,threads,videos,prefetch,epochs,clips,seconds,clips_per_s,frames_per_s,peak_rss_mb,tree_rss_mb,tree_pss_mb,time_maxrss_mb,wall_s,cpu_s,load1,foreign_cpu_pct,utc" > "$csv"

# --- helpers ---------------------------------------------------------------------------------------------------
load1() { cut -d' ' -f1 /proc/loadavg; }
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }   # user nice system irq softirq steal

wait_quiet() {   # $1: series name
  local waited=0
  while awk -v l="$(load1)" -v m="$max_load" 'BEGIN { exit !(l >= m) }'; do
    if (( waited >= max_wait )); then
      echo "[$1] load $(load1) still >= $max_load after ${waited}s: measuring anyway (see load1 in the CSV)" >&2
      return
    fi
    (( waited == 0 )) && echo "[$1] waiting for the 1-minute load average ($(load1)) to drop below $max_load..." >&2
    sleep 10; waited=$((waited + 10))
  done
  echo "[$1] load $(load1): measuring" >&2
}

kv() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<< " $2" | tail -1; }   # value of key=value in a line

# run_one SERIES TOOL REP THREADS VIDEOS PREFETCH EPOCHS -- command...
run_one() {
  local series=$1 tool=$2 rep=$3 threads=$4 videos=$5 prefetch=$6 ep=$7; shift 8
  local tag="${series}-${tool}-t${threads}-v${videos}-p${prefetch}-r${rep}"
  local log="$out/logs/$tag.log" tfile="$out/logs/$tag.time"
  local l1 b0 b1 utc
  l1=$(load1); utc=$(date -u +%Y-%m-%dT%H:%M:%SZ); b0=$(busy_jiffies)
  /usr/bin/time -o "$tfile" -f '%e %U %S %M' bash -c '"$@"' _ "$@" > "$log" 2>&1 || { echo "FAILED: $* (see $log)" >&2; tail -5 "$log" >&2; return 1; }
  b1=$(busy_jiffies)
  local wall user sys maxrss; read -r wall user sys maxrss < <(tail -1 "$tfile")
  local cpu; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  # share of the machine used by OTHER processes during the run: busy time minus this run's own CPU time
  local hz; hz=$(getconf CLK_TCK)
  local foreign; foreign=$(awk -v b="$(( b1 - b0 ))" -v hz="$hz" -v c="$cpu" -v w="$wall" -v n="$ncpu" \
      'BEGIN { f = (b / hz - c) / (w * n) * 100; if (f < 0) f = 0; printf "%.1f", f }')
  local line clips seconds cps fps rss trss tpss
  case "$tool" in
    etab)
      line=$(grep '^RESULT ' "$log" | tail -1)
      clips=$(kv clips "$line"); seconds=$(kv seconds "$line"); cps=$(kv clips_per_s "$line")
      fps=$(kv frames_per_s "$line"); rss=$(kv peak_rss_mb "$line"); trss=$rss; tpss="" ;;
    reference)
      line=$(grep '^REFERENCE ' "$log" | tail -1)
      clips=$(kv clips "$line"); seconds=$(kv seconds "$line"); cps=$(kv clips_per_s "$line")
      fps=$(kv decoded_frames_per_s "$line"); rss=$(kv peak_rss_mb "$line")
      trss=$(kv tree_peak_rss_mb "$line"); tpss=$(kv tree_peak_pss_mb "$line") ;;
    pyav)
      line=$(grep '^PYAV ' "$log" | tail -1)
      clips=$(kv clips "$line"); seconds=$(kv seconds "$line"); cps=$(kv clips_per_s "$line")
      fps=$(awk -v c="$cps" 'BEGIN { printf "%.1f", c * 32 }'); rss=$(kv peak_rss_mb "$line")
      trss=$(kv tree_peak_rss_mb "$line"); tpss=$(kv tree_peak_pss_mb "$line") ;;
    ceiling_ffmpeg|ceiling_opencv)
      line=$(grep '^CEILING ' "$log" | tail -1)
      clips=""; seconds=$(kv seconds "$line"); cps=$(kv clip_ceiling_per_s "$line")
      fps=$(kv frames_per_s "$line"); rss=""; trss=""; tpss="" ;;
  esac
  [[ -n $cps ]] || { echo "no result line in $log" >&2; return 1; }
  echo "$series,$tool,$rep,$threads,$videos,$prefetch,$ep,$clips,$seconds,$cps,$fps,$rss,$trss,$tpss,$(( maxrss / 1024 )),$wall,$cpu,$l1,$foreign,$utc" >> "$csv"
  printf '[%s] %-15s rep %s threads %s videos %s prefetch %s: %8s clips/s  rss %5s MiB  load %s  others %s%%\n' \
    "$series" "$tool" "$rep" "$threads" "$videos" "$prefetch" "$cps" "${trss:--}" "$l1" "$foreign" >&2
}

etab_bench() {   # VIDEOS THREADS PREFETCH EPOCHS
  "$etab" bench --dataset echonet --root "$data/echonet$1" --split train --target EF --clip-length 32 --fps 25 \
    --batch 20 --threads "$2" --prefetch "$3" --epochs "$4" --device cpu --quiet
}
reference() {    # VIDEOS WORKERS EPOCHS
  $py "$here/reference_loader.py" --root "$data/echonet$1" --split train --epochs "$3" --batch 20 --workers "$2" \
    --clip-length 32 --fps 25
}
pyav() {         # VIDEOS WORKERS EPOCHS
  $py "$here/pyav_loader.py" --root "$data/echonet$1" --split train --epochs "$3" --batch 20 --workers "$2" \
    --clip-length 32 --fps 25
}
ceiling() {      # VIDEOS PROCS MODE
  "$here/ffmpeg_ceiling.sh" "$data/echonet$1" train "$2" "$3"
}

export etab data py here
export -f etab_bench reference pyav ceiling

# --- main: etab (2 threads) / reference and pyav (2 workers) / ceilings, interleaved -------------------------------------
if has main; then
  wait_quiet main
  for ((r = 1; r <= reps; r++)); do
    run_one main etab "$r" 2 200 2 "$epochs" -- etab_bench 200 2 2 "$epochs"
    run_one main reference "$r" 2 200 "" "$ref_epochs" -- reference 200 2 "$ref_epochs"
    run_one main pyav "$r" 2 200 "" "$pyav_epochs" -- pyav 200 2 "$pyav_epochs"
    run_one main ceiling_ffmpeg "$r" 2 200 "" 1 -- ceiling 200 2 concat
    run_one main ceiling_opencv "$r" 2 200 "" 1 -- ceiling 200 2 opencv
  done
fi

# --- threads: etab --threads 1..ncpu, reference and pyav --workers 1..ncpu, ceiling procs 1..ncpu -----------------------
if has threads; then
  wait_quiet threads
  for ((r = 1; r <= small_reps; r++)); do
    for ((t = 1; t <= ncpu; t++)); do
      run_one threads etab "$r" "$t" 200 2 "$epochs" -- etab_bench 200 "$t" 2 "$epochs"
      run_one threads reference "$r" "$t" 200 "" "$ref_epochs" -- reference 200 "$t" "$ref_epochs"
      run_one threads pyav "$r" "$t" 200 "" "$pyav_epochs" -- pyav 200 "$t" "$pyav_epochs"
      run_one threads ceiling_ffmpeg "$r" "$t" 200 "" 1 -- ceiling 200 "$t" concat
    done
  done
fi

# --- dataset size: memory (and rate) for 100 / 200 / 400 videos at the same number of clips per etab run ---------
if has dataset; then
  wait_quiet dataset
  for ((r = 1; r <= small_reps; r++)); do
    for n in 100 200 400; do
      e=$(( epochs * 200 / n )); (( e >= 1 )) || e=1
      run_one dataset etab "$r" 2 "$n" 2 "$e" -- etab_bench "$n" 2 2 "$e"
      run_one dataset reference "$r" 2 "$n" "" 1 -- reference "$n" 2 1
    done
  done
fi

# --- prefetch depth: etab memory and rate for --prefetch 0, 2, 4, 8 ----------------------------------------------
if has prefetch; then
  wait_quiet prefetch
  for ((r = 1; r <= small_reps; r++)); do
    for p in 0 2 4 8; do
      run_one prefetch etab "$r" 2 200 "$p" "$epochs" -- etab_bench 200 2 "$p" "$epochs"
    done
  done
fi

$py "$here/summarize.py" "$out" | tee "$out/summary.md"
echo "runs: $csv" >&2
