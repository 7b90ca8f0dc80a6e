#!/bin/bash
# alternated CAMUS clip-start-all pairs: old (abc7c1e) and new (5900ebb), fresh JVM each
out=/tmp/scratch/camus-pairs.txt; : > $out
for i in $(seq 1 $1); do
  for v in old new; do
    line=$(cd /tmp/wt-$v && ETAB_AOT=0 ./etab bench --dataset camus --root /tmp/scratch/camus --video true --clip-start all --clip-length 4 --epochs 3 --threads 2 --device cpu --quiet 2>/dev/null | grep '^RESULT')
    echo "$i $v $line" >> $out
  done
done
