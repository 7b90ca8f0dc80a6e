#!/usr/bin/env bash
# W1 (bench/compare/interleave_w1.sh's command) with main at 9338504 (base) and wt-resize (new), alternately
set -u
for i in $(seq 1 ${PAIRS:-4}); do
  for tree in ${ORDER:-base new}; do
    if [[ $tree == base ]]; then cp="/tmp/rs/base/bench/target/etab-bench.jar:$(cat /tmp/rs/base/bench/target/classpath.txt)";
    else cp="/tmp/rs/new/etab-bench.jar:$(cat /tmp/rs/new/classpath.txt)"; fi
    line=$(java -Detab.home=/tmp/rs/$tree -cp "$cp" org.etab.cli.Etab bench --dataset echonet --root /tmp/rs/w1 \
      --split train --target EF --clip-length 32 --fps 25 --batch 20 --threads 2 --epochs 10 --device cpu --quiet 2>/dev/null | tail -1)
    echo "$tree $i $(date +%T) $line"
  done
done
