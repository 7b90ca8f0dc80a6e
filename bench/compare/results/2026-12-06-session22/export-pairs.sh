#!/bin/bash
# alternated export pairs: old (ed275f3) and new (HEAD), fresh JVM each; outputs compared byte for byte
out=/tmp/s22/export-pairs.txt; : > $out
for i in $(seq 1 $1); do
  for v in old new; do
    rm -rf /tmp/s22/exp-$v
    line=$(cd /tmp/wt-$v && ETAB_AOT=0 ./etab export --root /tmp/scratch/echonet --split all --frame-size 64x64 --clip-length 16 --threads 2 --out /tmp/s22/exp-$v --report /tmp/s22/exp-$v.csv --quiet 2>/dev/null | grep '^RESULT')
    echo "$i $v $line" >> $out
  done
  (cd /tmp/s22/exp-old && find . -type f | sort | xargs sha256sum) > /tmp/s22/h-old.txt
  (cd /tmp/s22/exp-new && find . -type f | sort | xargs sha256sum) > /tmp/s22/h-new.txt
  if cmp -s /tmp/s22/h-old.txt /tmp/s22/h-new.txt && cmp -s /tmp/s22/exp-old.csv /tmp/s22/exp-new.csv; then echo "$i identical" >> $out; else echo "$i DIFFER" >> $out; fi
done
