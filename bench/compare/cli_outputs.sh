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
# be byte-identical between two builds that should behave the same.
set -u
repo=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
E="$repo/etab"
$E synth --dataset echonet --out $out/echonet --videos 12 --seed 7 --quiet > $out/synth_e.txt 2>&1
$E synth --dataset camus --out $out/camus --patients 6 --seed 7 --quiet > $out/synth_c.txt 2>&1
$E synth --dataset tmed --out $out/tmed --seed 7 --quiet > $out/synth_t.txt 2>&1
for f in $(cd $out && find echonet camus tmed -type f | sort); do echo "$(sha256sum < $out/$f | cut -c1-16) $f"; done > $out/phantom.sha
while read -r name args; do
  $E export $args --out $out/exp_$name --report $out/rep_$name.csv --quiet > $out/export_$name.txt 2>&1; echo "rc=$?" >> $out/export_$name.txt
  $E bench $args --epochs 1 --threads 2 --quiet 2>&1 | sed -E 's/seconds=.*//' > $out/bench_$name.txt
  (cd $out/exp_$name 2>/dev/null && for f in $(ls | sort); do echo "$(sha256sum < $f | cut -c1-16) $f"; done) > $out/exp_$name.sha
  rm -rf $out/exp_$name
done <<LIST
e_ef --dataset echonet --root $out/echonet --split all
e_seg --dataset echonet --root $out/echonet --split all --target LV_seg --clip-length 4 --frame-size 64x48
e_all --dataset echonet --root $out/echonet --split train --clip-start all --clip-length 8 --dtype uint8 --channels 1
e_esed --dataset echonet --root $out/echonet --split val --target ES/ED --video false
c_lv --dataset camus --root $out/camus --target LV_seg --view 4CH
c_ef --dataset camus --root $out/camus --target EF --view 2CH --clip-length 6
c_still --dataset camus --root $out/camus --target MY_seg --video false --frame-size native --limit 2
t_view --dataset tmed --root $out/tmed --target view
t_as --dataset tmed --root $out/tmed --target AS --frame-size 32x32 --normalize false
LIST
rm -rf $out/echonet $out/camus $out/tmed
