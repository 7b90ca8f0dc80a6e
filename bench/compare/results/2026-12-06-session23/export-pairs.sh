#!/bin/bash
# alternated export pairs: old (6e5a761) and new (HEAD), fresh JVM each; outputs compared byte for byte
out=/tmp/s23/export-pairs.txt; : > $out
for i in $(seq 1 $1); do
  for v in old new; do
    rm -rf /tmp/s23/exp-$v
    line=$(cd /tmp/wt-$v && ETAB_AOT=0 ./etab export --root /tmp/scratch/echonet --split all --frame-size 64x64 --clip-length 16 --threads 2 --out /tmp/s23/exp-$v --report /tmp/s23/exp-$v.csv --quiet 2>/dev/null | grep '^RESULT')
    echo "$i $v $line" >> $out
  done
  (cd /tmp/s23/exp-old && find . -type f | sort | xargs sha256sum) > /tmp/s23/h-old.txt
  (cd /tmp/s23/exp-new && find . -type f | sort | xargs sha256sum) > /tmp/s23/h-new.txt
  if cmp -s /tmp/s23/h-old.txt /tmp/s23/h-new.txt && cmp -s /tmp/s23/exp-old.csv /tmp/s23/exp-new.csv; then echo "$i identical" >> $out; else echo "$i DIFFER" >> $out; fi
done
