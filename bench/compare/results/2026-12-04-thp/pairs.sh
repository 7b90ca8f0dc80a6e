#!/bin/bash
# alternated pairs: plain vs GLIBC_TUNABLES=glibc.malloc.hugetlb=1, W1 --epochs $2, $1 pairs; prints per-epoch lines
cd /work/main
for i in $(seq 1 $1); do
  for t in plain thp; do
    if [ $t = thp ]; then export GLIBC_TUNABLES=glibc.malloc.hugetlb=1; else unset GLIBC_TUNABLES; fi
    /usr/bin/time -f "TIME $t pair=$i wall=%e user=%U sys=%S minflt=%R" ./etab bench --root phantom/echonet --epochs $2 --threads 2 --device cpu --per-epoch 2>&1 \
      | grep -E "^EPOCH|^RESULT|^TIME" | sed "s/^/$t $i /"
  done
done
