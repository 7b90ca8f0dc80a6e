#!/usr/bin/env bash
# thread_cpu.sh command...: runs the command and prints the CPU seconds of each of its threads, summed by thread
# name, from /proc/PID/task/*/stat sampled every 0.1 s until it exits (the last sample of each thread). For ./etab:
# the launcher execs java, so PID is the JVM; "java" is its main thread.
"$@" &
pid=$!
declare -A last name
hz=$(getconf CLK_TCK)
while kill -0 "$pid" 2>/dev/null; do
  for t in /proc/$pid/task/*; do
    read -r line < "$t/stat" 2>/dev/null || continue
    tid=${t##*/}
    comm=${line#*(}; comm=${comm%)*}
    rest=${line##*) }
    set -- $rest
    last[$tid]=$(( ${12} + ${13} )); name[$tid]=$comm
  done
  sleep 0.1
done
wait "$pid"
for tid in "${!last[@]}"; do echo "${name[$tid]} ${last[$tid]}"; done |
  awk -v hz="$hz" '{ n = $1; for (i = 2; i < NF; i++) n = n " " $i; s[n] += $NF; tot += $NF }
    END { for (k in s) if (s[k] / hz >= 0.05) printf "%8.2f s %5.1f %%  %s\n", s[k] / hz, 100 * s[k] / tot, k; printf "%8.2f s total\n", tot / hz }' | sort -rn
