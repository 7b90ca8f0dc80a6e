#!/usr/bin/env bash
# What the command line writes, to compare two builds (a refactor or an optimization must not change it):
# phantoms written with fixed seeds, then for 9 selections (EchoNet EF, LV_seg, every clip, ES/ED stills; CAMUS
# LV_seg, EF, native-size stills; TMED-2 view and AS) `etab export` (hashes of every .npy and the manifest, the
# report) and a 1-epoch `etab bench` (its RESULT line without timings).
#
#   bench/compare/cli_outputs.sh REPO OUT      # REPO: a checkout (its ./etab is used); OUT: a new directory
#   for f in $(ls A); do cmp -s A/$f B/$f || echo "differs: $f"; done     # then compare two OUTs
#
# export_*.txt hold the export's stdout/stderr with its timings, so they differ run to run; every other file must
# be byte-identical between two builds that should behave the same. OUT is emptied first. The runs work inside OUT
# with relative paths, so REPO and OUT may hold spaces, and no file name depends on where OUT is.
set -u
[[ $# -eq 2 ]] || { echo "usage: bench/compare/cli_outputs.sh REPO OUT" >&2; exit 2; }
E="$(cd "$1" && pwd)/etab"
[[ -x $E ]] || { echo "cli_outputs.sh: no etab launcher in $1" >&2; exit 2; }
out=$2
rm -rf -- "$out" && mkdir -p -- "$out" && cd -- "$out" || exit 2
synth() { # NAME ARGS...: a phantom, or stop naming the failure
  local name=$1; shift
  "$E" synth "$@" --quiet > "synth_$name.txt" 2>&1 || { cat "synth_$name.txt" >&2; echo "cli_outputs.sh: etab synth $* failed" >&2; exit 1; }
}
synth e --dataset echonet --out echonet --videos 12 --seed 7
synth c --dataset camus --out camus --patients 6 --seed 7
synth t --dataset tmed --out tmed --seed 7
for f in $(find echonet camus tmed -type f | sort); do echo "$(sha256sum < "$f" | cut -c1-16) $f"; done > phantom.sha
while read -r name args; do
  # shellcheck disable=SC2086 # args: flags without spaces (the roots are relative)
  "$E" export $args --out "exp_$name" --report "rep_$name.csv" --quiet > "export_$name.txt" 2>&1; echo "rc=$?" >> "export_$name.txt"
  # shellcheck disable=SC2086
  "$E" bench $args --epochs 1 --threads 2 --quiet 2>&1 | sed -E 's/ seconds=[^ ]* clips_per_s=[^ ]* frames_per_s=[^ ]* peak_rss_mb=[^ ]*//' > "bench_$name.txt"
  (cd "exp_$name" 2>/dev/null && for f in $(ls | sort); do echo "$(sha256sum < "$f" | cut -c1-16) $f"; done) > "exp_$name.sha"
  rm -rf "exp_$name"
done <<LIST
e_ef --dataset echonet --root echonet --split all
e_seg --dataset echonet --root echonet --split all --target LV_seg --clip-length 4 --frame-size 64x48
e_all --dataset echonet --root echonet --split train --clip-start all --clip-length 8 --dtype uint8 --channels 1
e_esed --dataset echonet --root echonet --split val --target ES/ED --video false
c_lv --dataset camus --root camus --target LV_seg --view 4CH
c_ef --dataset camus --root camus --target EF --view 2CH --clip-length 6
c_still --dataset camus --root camus --target MY_seg --video false --frame-size native --limit 2
t_view --dataset tmed --root tmed --target view
t_as --dataset tmed --root tmed --target AS --frame-size 32x32 --normalize false
LIST
rm -rf echonet camus tmed
