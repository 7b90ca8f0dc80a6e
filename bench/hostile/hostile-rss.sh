#!/usr/bin/env bash
# Runs issue 16's hostile-input cases through `etab bench` (and one `etab export`) and prints, per case, the
# RESULT line's counts, the exit code, the wall time and the peak RSS (/usr/bin/time -v: the JVM's maximum resident
# set). Cases are made from fresh phantoms by make_hostile.py. `./etab` builds the CLI once; the runs then start
# the JVM exactly as ./etab does without its start-up cache (so that an edit during the runs cannot rebuild, and
# time Maven, inside a measured run). Usage (from the repository root):
#   bench/hostile/hostile-rss.sh [WORKDIR]        (default: a new temporary directory; kept, its path printed)
# Each run is limited to 300 s by timeout(1); a case passes when it ends in time, exits 0, every selected row is in
# its report (delivered, failed or rejected) and its peak RSS is under 1.5 GB.
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
if grep -rl "a secret that must never be read" "$work"/*.export "$work"/*.report.csv 2>/dev/null; then
  echo "FAILED: a secret outside the root was exported or reported" >&2
  status=1
fi
echo "work directory: $work  (machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo))"
exit $status
