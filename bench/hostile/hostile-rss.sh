#!/usr/bin/env bash
# Runs issue 16's hostile-input cases through `etab bench` (and one `etab export`) and prints, per case, the
# RESULT line's counts, the exit code, the wall time and the peak RSS (/usr/bin/time -v: the JVM's maximum resident
# set). Cases are made from fresh phantoms by make_hostile.py. `./etab` builds the CLI once; the runs then start
# the JVM exactly as ./etab does without its start-up cache (so that an edit during the runs cannot rebuild, and
# time Maven, inside a measured run). Usage (from the repository root):
#   bench/hostile/hostile-rss.sh [WORKDIR]        (default: a new temporary directory; kept, its path printed)
# Each run is limited to 300 s by timeout(1); a case passes when it ends in time, exits 0, every selected row is in
# its report (delivered, failed or rejected) and its peak RSS is under 1.5 GB; the metrics case also needs 0 failed
# samples while 2,000 idle connections are held; no export or report may hold the content of the files outside.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$(mktemp -d /tmp/etab-hostile-XXXXXX)}"
mkdir -p "$work"
ETAB_AOT=0 "$here/etab" synth --help >/dev/null # builds the CLI when a source changed
cp="$here/bench/target/etab-bench.jar:$(cat "$here/bench/target/classpath.txt")"
etab() { java ${ETAB_JAVA_OPTS:-} -Detab.home="$here" -cp "$cp" org.etab.cli.Etab "$@"; }
if [[ ! -d "$work/phantoms/tmed" ]]; then
  etab synth --dataset echonet --out "$work/phantoms/echonet" --videos 12 --seed 1 >/dev/null
  etab synth --dataset tmed --out "$work/phantoms/tmed" --patients 12 --seed 1 >/dev/null
  etab synth --dataset camus --out "$work/phantoms/camus" --patients 6 --release mhd --seed 1 >/dev/null
fi
rm -rf "$work/cases"
/usr/bin/python3 "$here/bench/hostile/make_hostile.py" "$work/phantoms" "$work/cases"

limit_kb=$((1536 * 1024))
status=0
printf '%-28s %-8s %4s %7s %8s  %s\n' case command exit wall_s rss_mb "RESULT counts / report rows"
run() { # case command root flags...
  local case="$1" command="$2" root="$3"
  shift 3
  local log="$work/$case.$command.log" report="$work/$case.$command.report.csv" out=()
  [[ "$command" == export ]] && out=(--out "$work/$case.export")
  rm -rf "$work/$case.export"
  local start end rc=0
  start=$(date +%s.%N)
  timeout 300 /usr/bin/time -v -o "$work/$case.$command.time" \
    java ${ETAB_JAVA_OPTS:-} -Detab.home="$here" -cp "$cp" org.etab.cli.Etab "$command" --root "$root" "$@" "${out[@]}" --report "$report" --quiet >"$log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  local kb
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$case.$command.time" 2>/dev/null || true)
  local result counts rows
  result=$(grep '^RESULT' "$log" | tail -1 || true)
  counts=$(sed -E 's/.*(planned=[0-9]+ delivered=[0-9]+ failed=[0-9]+).*(rejected=[0-9]+).*/\1 \2/' <<<"$result")
  rows=$(grep -c -v '^id,status' "$report" 2>/dev/null || true)
  printf '%-28s %-8s %4s %7.1f %8d  %s report_rows=%s\n' "$case" "$command" "$rc" "$(echo "$end - $start" | bc)" \
    $((${kb:-0} / 1024)) "${counts:-no RESULT}" "${rows:-0}"
  local planned rejected
  planned=$(sed -nE 's/.*planned=([0-9]+).*/\1/p' <<<"$result")
  rejected=$(sed -nE 's/.*rejected=([0-9]+).*/\1/p' <<<"$result")
  if [[ $rc -ne 0 || -z "$planned" || $((planned + ${rejected:-0})) -ne ${rows:-0} || ${kb:-0} -ge $limit_kb ]]; then
    echo "  FAILED: see $log" >&2
    status=1
  fi
}
while read -r case dataset root flags; do
  # shellcheck disable=SC2086
  run "$case" bench "$root" --dataset "$dataset" $flags --threads 2
done <"$work/cases/cases.txt"
# export writes files; the hostile TMED set once through it too
read -r case dataset root flags < <(grep '^png-20000x20000-rgba16 ' "$work/cases/cases.txt")
# shellcheck disable=SC2086
run "$case" export "$root" --dataset "$dataset" $flags --threads 2
# the metrics server under 2,000 idle connections during a run (they are capped and closed; decoding keeps its
# file descriptors): a longer EchoNet run with the server on, the connections opened once it listens
port=$((20000 + RANDOM % 20000))
report="$work/metrics-idle-2000.bench.report.csv"
log="$work/metrics-idle-2000.bench.log"
start=$(date +%s.%N)
( timeout 300 /usr/bin/time -v -o "$work/metrics-idle-2000.bench.time" \
    java ${ETAB_JAVA_OPTS:-} -Detab.home="$here" -cp "$cp" org.etab.cli.Etab bench --root "$work/phantoms/echonet" \
    --dataset echonet --split all --clip-length 32 --epochs 200 --threads 2 --metrics-port "$port" \
    --report "$report" --quiet >"$log" 2>&1; echo $? >"$work/metrics-idle-2000.rc" ) &
bench_pid=$!
/usr/bin/python3 - "$port" "$bench_pid" <<'PY'
import os, resource, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
deadline = time.time() + 60
while time.time() < deadline:  # until the server listens
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.2)
held = []
for _ in range(2000):
    try:
        held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError:
        pass
print(f"  metrics: {len(held)} connections opened and held", file=sys.stderr)
while os.path.exists(f"/proc/{pid}"):
    time.sleep(0.5)
PY
wait "$bench_pid" || true
end=$(date +%s.%N)
rc=$(cat "$work/metrics-idle-2000.rc")
kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/metrics-idle-2000.bench.time" 2>/dev/null || true)
result=$(grep '^RESULT' "$log" | tail -1 || true)
counts=$(sed -E 's/.*(planned=[0-9]+ delivered=[0-9]+ failed=[0-9]+).*(rejected=[0-9]+).*/\1 \2/' <<<"$result")
rows=$(grep -c -v '^id,status' "$report" 2>/dev/null || true)
printf '%-28s %-8s %4s %7.1f %8d  %s report_rows=%s\n' metrics-idle-2000 bench "$rc" "$(echo "$end - $start" | bc)" \
  $((${kb:-0} / 1024)) "${counts:-no RESULT}" "${rows:-0}"
if [[ "$rc" != 0 || "$result" != *" failed=0 "* || ${kb:-0} -ge $limit_kb ]]; then
  echo "  FAILED: see $log" >&2
  status=1
fi
if grep -rl "a secret that must never be read" "$work"/*.export "$work"/*.report.csv 2>/dev/null; then
  echo "FAILED: a secret outside the root was exported or reported" >&2
  status=1
fi
echo "work directory: $work  (machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo))"
exit $status
