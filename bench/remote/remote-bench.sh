#!/usr/bin/env bash
# W1 from local disk vs from nginx on loopback vs through a 2 ms round-trip link, same phantom files.
# usage: bench/remote/remote-bench.sh PHANTOM_DIR [REPS] [EPOCHS] [WARMUP] [shared|split] [runs|turns] [FLAG...]
# (FLAGs, e.g. --fetch-concurrency 4, go to every loader run, after the W1 flags)
# runs (default): one `etab bench` process per setting and repetition. Each run streams EPOCHS epochs; besides the whole run's rate (RESULT) it prints the steady rate: clips over
# seconds of the epochs after the first WARMUP (from --per-epoch), as a long training run sees it once the JIT has
# compiled the HTTP client's code, and the CPU seconds the server side (nginx and the relay) spent during the run.
# shared (default): everything on every core, the loader with 2 decode threads. split: the server side on the last
# core, as if on another machine, and the loader on the others (one decode thread per core), in every setting,
# local disk included: the loader then competes for CPU with nothing a real remote dataset would put on its machine.
# turns: one JVM (org.etab.cli.InterleavedBench) with a pipeline per root (local, loopback, 2 ms at 32 requests),
# WARMUP untimed epochs each, then REPS rounds of EPOCHS epochs from each root in turn; it prints the median rate
# per root and the median of each round's ratio to local (robust to the machine's speed drifting between runs).
# needs: nginx (Debian: apt-get install -y nginx), taskset (util-linux); run from the repo root. Prints one line per
# run (or turn) and a summary.
set -euo pipefail
case ${1:-} in
  -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "remote-bench.sh: PHANTOM_DIR must not start with '-': $1 (--help for the usage)" >&2; exit 2 ;;
esac
data=$(cd "${1:?usage: remote-bench.sh PHANTOM_DIR [REPS] [EPOCHS]}" && pwd)
reps=${2:-3}
epochs=${3:-4}
warmup=${4:-0}
mode=${5:-shared}
style=${6:-runs}
shift $(( $# < 6 ? $# : 6 ))
extra=("$@")
cores=$(nproc)
case $mode in
  shared) server_cpus=0-$((cores - 1)); loader_cpus=$server_cpus; threads=2 ;;
  split)
    [ "$cores" -ge 2 ] || { echo "split needs 2 or more cores" >&2; exit 2; }
    server_cpus=$((cores - 1)); loader_cpus=0-$((cores - 2)); threads=$((cores - 1)) ;;
  *) echo "mode must be shared or split, not $mode" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; kill ${proxy:-} 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat > "$work/nginx.conf" <<CONF
daemon on;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  server { listen 127.0.0.1:$port; root $data; }
}
CONF
taskset -c "$server_cpus" /usr/sbin/nginx -c "$work/nginx.conf" -p "$work"
"$here/etab" --version >/dev/null   # build once, outside the timings
cp=$(cat "$here/bench/target/classpath.txt")
taskset -c "$server_cpus" java -cp "$here/bench/target/etab-bench.jar:$cp" org.etab.bench.net.LatencyProxy 0 "$port" 1.0 \
  2> "$work/proxy.log" &
proxy=$!
sleep 2
proxy_port=$(grep -o '127.0.0.1:[0-9]*' "$work/proxy.log" | head -1 | cut -d: -f2)
server_pids="$(cat "$work/nginx.pid") $(pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' ') $proxy"
server_ticks() { # user + system clock ticks of nginx (master and workers) and the relay so far
  local t=0 p; for p in $server_pids; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t
}
echo "mode=$mode cores=$cores loader_cpus=$loader_cpus decode_threads=$threads server_cpus=$server_cpus"

w1=(--dataset echonet --split train --target EF --clip-length 32 --fps 25 --batch 20 --threads "$threads")
flags=("${w1[@]}" --epochs "$epochs" --quiet --per-epoch "${extra[@]}")
run() { # label root [extra flags]
  local label=$1 root=$2; shift 2
  local t0; t0=$(server_ticks)
  local line; line=$(taskset -c "$loader_cpus" "$here/etab" bench --root "$root" "${flags[@]}" "$@" 2> "$work/epochs.txt" |
    tail -1)
  local server; server=$(awk -v t=$(( $(server_ticks) - t0 )) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')
  # EPOCH e clips=N clips_per_s=R ...: seconds of an epoch = N / R
  local steady; steady=$(awk -v w="$warmup" '$1 == "EPOCH" && $2 >= w {split($3, n, "="); split($4, r, "=");
      clips += n[2]; secs += n[2] / r[2]} END {printf "%.1f", (secs > 0 ? clips / secs : 0)}' "$work/epochs.txt")
  echo "$label load1=$(cut -d' ' -f1 /proc/loadavg) steady_clips_per_s=$steady server_cpu_s=$server $line"
}
if [ "$style" = turns ]; then
  taskset -c "$loader_cpus" java -cp "$here/bench/target/etab-bench.jar:$cp" org.etab.cli.InterleavedBench \
    --roots "local=$data,http=http://127.0.0.1:$port,http+2ms=http://127.0.0.1:$proxy_port" \
    --rounds "$reps" --turn "$epochs" --warmup "$warmup" "${w1[@]}" "${extra[@]}" | tee "$work/turns.txt"
  echo "server side: $(awk -v t="$(server_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}') CPU s in all"
  exit 0
fi
for r in $(seq "$reps"); do
  run local "$data"
  run http-whole "http://127.0.0.1:$port" --clip-ranges false
  run http "http://127.0.0.1:$port"
  for c in 4 16 32; do run "http+2ms(fetch=$c)" "http://127.0.0.1:$proxy_port" --fetch-concurrency "$c"; done
done | tee "$work/runs.txt"
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "median clips/s per setting: whole run, and steady (epochs >= $warmup)"
awk '{label=$1; for(i=1;i<=NF;i++) if ($i ~ /^((steady_)?clips_per_s|server_cpu_s)=/) {split($i,a,"="); v[label "|" a[1]]=v[label "|" a[1]] " " a[2]}}
     END {for (k in v) print k, v[k]}' "$work/runs.txt" | sort |
while read -r key values; do
  echo "${key%%|*} ${key##*|} $(echo $values | median)"
done
