#!/usr/bin/env bash
# usage: v3.sh ROUNDS EPOCHS "name=opts" ...  per run: epoch0 rate, late median, ratio, e0 cpu, process wall, process cpu
rounds=$1; epochs=$2; shift 2
for r in $(seq 1 $rounds); do
  for v in "$@"; do
    name=${v%%=*}; opts=${v#*=}
    out=$( { ETAB_JAVA_OPTS="$opts" /usr/bin/time -f "PROC wall=%e cpu=%U+%S" ${ETAB:-/work/main/etab} bench --dataset echonet --root ${DATA:-/tmp/etab-first-epoch/data/echonet} --split train --epochs $epochs --threads 2 --per-epoch --device cpu --quiet; } 2>&1)
    echo "$out" > /work/fe/logs/v3-$name-$r.txt
    echo "$out" | python3 -c "
import sys,re,statistics
t=sys.stdin.read()
e=[(int(m[0]),float(m[1]),float(m[2])) for m in re.findall(r'EPOCH (\d+) clips=\d+ clips_per_s=([\d.]+).*cpu_s=([\d.]+)', t)]
late=[x[1] for x in e if x[0]>=5]
p=re.search(r'PROC wall=([\d.]+) cpu=([\d.]+)\+([\d.]+)',t)
print('$name', 'e0=%.1f'%e[0][1], 'late=%.1f'%statistics.median(late), 'ratio=%.2f'%(e[0][1]/statistics.median(late)), 'e0cpu=%.2f'%e[0][2], 'latecpu=%.2f'%statistics.median([x[2] for x in e if x[0]>=5]), 'wall=%s'%p.group(1), 'cpu=%.2f'%(float(p.group(2))+float(p.group(3))))
"
  done
done
