#!/bin/bash
# alternate old (88c4582) and new (HEAD) W1 runs, JDK 17, 2 threads, 10 epochs
root=/work/main/phantom/echonet
for i in 1 2 3 4 5 6 7 8; do
  for b in old new; do
    if [ $b = old ]; then d=/tmp/old-build; else d=/work/main; fi
    cp="$d/bench/target/etab-bench.jar:$(cat $d/bench/target/classpath.txt)"
    r=$(java -cp "$cp" org.etab.cli.Etab bench --root $root --epochs 10 --threads 2 --device cpu --quiet 2>/dev/null | tail -1)
    echo "$b $(echo $r | grep -o 'clips_per_s=[0-9.]*')"
  done
done
