#!/bin/bash
# alternated W1 pairs: old (0dd0559, session 25's start) and new (HEAD), fresh JVM each, 10 epochs, 2 threads, host batches
out=/tmp/s25/pairs.txt; : > $out
for i in $(seq 1 $1); do
  for v in old new; do
    line=$(cd /tmp/wt-$v && ETAB_AOT=0 ./etab bench --root /tmp/scratch/echonet --epochs 10 --threads 2 --device cpu --quiet 2>/dev/null | grep '^RESULT')
    echo "$i $v $line" >> $out
  done
done
