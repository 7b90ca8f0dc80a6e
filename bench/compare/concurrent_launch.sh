#!/usr/bin/env bash
# What it shows: N launchers (`./etab`) started at once right after a source change, as the ranks of a torchrun job
# on one node start, build the CLI once, not once each. Before the launcher's lock (bench/target/.etab-launch.lock,
# 2026-12-06), all four ran `mvn package` in the same tree at the same time (four "building the command line" lines),
# and with a JDK 25 each then trained its own start-up cache (~1 min of 2 cores each). Prints how many launchers
# built and trained, and each one's exit code; exits 1 unless exactly one built and all exited 0.
#
# Usage: bench/compare/concurrent_launch.sh [N=4]   (in a clone you may rebuild; ETAB_AOT=0 skips the training)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n=${1:-4}
out="$(mktemp -d)"
touch "$here/bench/src/main/java/org/etab/cli/Terminal.java" # a source newer than the jar: the CLI is stale
for i in $(seq 1 "$n"); do
  ( rc=0; nice "$here/etab" --help >"$out/$i.out" 2>"$out/$i.err" || rc=$?; echo "$rc" >"$out/$i.rc" ) &
done
wait
built=$(cat "$out"/*.err | grep -c 'building the command line' || true)
trained=$(cat "$out"/*.err | grep -c 'training the JDK' || true)
echo "launchers=$n built=$built trained=$trained exit_codes=$(cat "$out"/*.rc | tr '\n' ' ')"
ok=1
[[ $built == 1 ]] || ok=0
[[ $trained -le 1 ]] || ok=0
for i in $(seq 1 "$n"); do [[ $(cat "$out/$i.rc") == 0 ]] || ok=0; done
rm -rf "$out"
[[ $ok == 1 ]]
