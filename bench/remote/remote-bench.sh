#!/usr/bin/env bash
# W1 from local disk vs from nginx on loopback vs through a 2 ms round-trip link, same phantom files.
# usage: bench/remote/remote-bench.sh PHANTOM_DIR [REPS] [EPOCHS]
# needs: nginx (Debian: apt-get install -y nginx); run from the repo root. Prints one line per run and a summary.
set -euo pipefail
data=$(cd "${1:?usage: remote-bench.sh PHANTOM_DIR [REPS] [EPOCHS]}" && pwd)
reps=${2:-3}
epochs=${3:-4}
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
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work"
"$here/etab" --version >/dev/null   # build once, outside the timings
cp=$(cat "$here/bench/target/classpath.txt")
java -cp "$here/bench/target/etab-bench.jar:$cp" org.etab.bench.net.LatencyProxy 0 "$port" 1.0 2> "$work/proxy.log" &
proxy=$!
sleep 2
proxy_port=$(grep -o '127.0.0.1:[0-9]*' "$work/proxy.log" | head -1 | cut -d: -f2)

flags=(--dataset echonet --split train --target EF --clip-length 32 --fps 25 --batch 20 --threads 2 --epochs "$epochs" --quiet)
run() { # label root [extra flags]
  local label=$1 root=$2; shift 2
  local line; line=$("$here/etab" bench --root "$root" "${flags[@]}" "$@" | tail -1)
  echo "$label load1=$(cut -d' ' -f1 /proc/loadavg) $line"
}
for r in $(seq "$reps"); do
  run local "$data"
  run http "http://127.0.0.1:$port"
  for c in 4 16 32; do run "http+2ms(fetch=$c)" "http://127.0.0.1:$proxy_port" --fetch-concurrency "$c"; done
done | tee "$work/runs.txt"
echo
echo "median clips/s per setting:"
awk '{label=$1; for(i=1;i<=NF;i++) if ($i ~ /^clips_per_s=/) {split($i,a,"="); v[label]=v[label] " " a[2]}} END {for (l in v) print l, v[l]}' "$work/runs.txt" |
while read -r label values; do
  echo "$label $(echo $values | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done
