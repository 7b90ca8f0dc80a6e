#!/usr/bin/env bash
# before/after TransformBenchmark, interleaved: base (main at 9338504) and new (wt-resize), 3 rounds each
set -u
for round in ${ROUNDS:-1 2 3}; do
  for tree in base new; do
    if [[ $tree == base ]]; then cp="/tmp/rs/base/bench/target/etab-bench.jar:$(cat /tmp/rs/base/bench/target/classpath.txt)";
    else cp="/tmp/rs/new/etab-bench.jar:$(cat /tmp/rs/new/classpath.txt)"; fi
    java -cp "$cp" org.openjdk.jmh.Main TransformBenchmark -p shape=identity112,up112to224 -p dst=slot \
      -rf csv -rff /tmp/rs/${PREFIX:-jmh}-$tree-$round.csv > /tmp/rs/${PREFIX:-jmh}-$tree-$round.log 2>&1
    echo "$tree $round done $(date +%T)"
  done
done
