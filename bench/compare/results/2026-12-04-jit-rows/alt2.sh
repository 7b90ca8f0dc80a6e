#!/usr/bin/env bash
# usage: alt2.sh ROUNDS "bench args" name=/path/etab ...  per run: epoch-0 rate and CPU, later epochs' median rate and CPU, whole run
rounds=$1; args=$2; shift 2
for r in $(seq 1 $rounds); do
  for v in "$@"; do
    name=${v%%=*}; etab=${v#*=}
    out=$($etab bench $args --threads 2 --per-epoch --device cpu --quiet 2>&1)
    echo "$out" > /work/fe/logs/alt2-$name-$r.txt
    echo "$out" | python3 -c "
import sys,re,statistics
t=sys.stdin.read()
e=[(int(m[0]),float(m[1]),float(m[2])) for m in re.findall(r'EPOCH (\d+) clips=\d+ clips_per_s=([\d.]+).*cpu_s=([\d.]+)', t)]
res=re.search(r'RESULT.*clips_per_s=([\d.]+)', t).group(1)
late=[x[1] for x in e if x[0]>=5]
print('$name', 'e0=%.1f'%e[0][1], 'e0cpu=%.3f'%e[0][2], 'late=%.1f'%statistics.median(late), 'latecpu=%.3f'%statistics.median([x[2] for x in e if x[0]>=5]), 'result=%s'%res)
"
  done
done
