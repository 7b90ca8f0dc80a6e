#!/usr/bin/env bash
# st.sh ROUNDS EPOCHS name=cpfile:aot ...   wall of a whole etab bench, epoch0, later
rounds=$1; epochs=$2; shift 2
for r in $(seq 1 $rounds); do for v in "$@"; do
  name=${v%%=*}; rest=${v#*=}; cpf=${rest%%:*}; aot=${rest#*:}
  out=$( { ETABX_CP=$cpf ETABX_AOT=$aot /usr/bin/time -f "PROC wall=%e cpu=%U+%S" /work/fe/cpx/etabx bench --dataset echonet --root /tmp/etab-first-epoch/data/echonet --split train --epochs $epochs --threads 2 --per-epoch --device cpu --quiet; } 2>&1)
  echo "$out" | python3 -c "
import sys,re,statistics
t=sys.stdin.read()
e=[(int(m[0]),float(m[1]),float(m[2])) for m in re.findall(r'EPOCH (\d+) clips=\d+ clips_per_s=([\d.]+).*cpu_s=([\d.]+)', t)]
p=re.search(r'PROC wall=([\d.]+) cpu=([\d.]+)\+([\d.]+)',t)
s=re.search(r'seconds=([\d.]+)',t).group(1)
late=[x[1] for x in e if x[0]>=5] or [0]
print('$name','e0=%.1f'%e[0][1],'e0cpu=%.2f'%e[0][2],'late=%.1f'%statistics.median(late),'run_s=%s'%s,'wall=%s'%p.group(1),'cpu=%.2f'%(float(p.group(2))+float(p.group(3))))
"
done; done
