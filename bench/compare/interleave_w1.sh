#!/usr/bin/env bash
# W1 throughput of two checkouts, run alternately in fresh JVMs (A, B, A, B, ...), one line per run.
#   bench/compare/interleave_w1.sh CHECKOUT_A CHECKOUT_B DATA_ROOT [PAIRS]
# DATA_ROOT: a W1 phantom (etab synth --dataset echonet --out DIR --videos 200 --seed 42).
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: bench/compare/interleave_w1.sh CHECKOUT_A CHECKOUT_B DATA_ROOT [PAIRS]" >&2; exit 2; }
a=$1; b=$2; root=$3; pairs=${4:-5}
err="$(mktemp)"   # one per invocation: a fixed name is shared with (and may belong to) whoever ran it before
trap 'rm -f "$err"' EXIT
for i in $(seq 1 "$pairs"); do
  for co in "$a" "$b"; do
    # --device cpu: the same consumer whatever the machine (auto would take a GPU where there is one)
    line=$("$co/etab" bench --dataset echonet --root "$root" --split train --target EF --clip-length 32 --fps 25 \
      --batch 20 --threads 2 --epochs 10 --device cpu --quiet 2>"$err" | tail -1) || {
      echo "interleave_w1.sh: $co/etab failed:" >&2; cat "$err" >&2; exit 1; }
    echo "$co $i $(grep -o 'clips_per_s=[0-9.]*' <<<"$line") $(grep -o 'peak_rss_mb=[0-9]*' <<<"$line") \
$(grep -o 'planned=[0-9]* delivered=[0-9]* failed=[0-9]*' <<<"$line")"
  done
done
