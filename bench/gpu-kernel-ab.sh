#!/usr/bin/env bash
# A/B of the CUDA kernel image on a lent GPU machine: the committed normalize.fatbin (sm_80/sm_90 machine code + PTX)
# against the PTX alone that it replaced, each in a fresh GpuCheck process (120 videos), alternated 3 times.
#   here:  bash bench/check-on-gpu.sh && bash bench/gpu-kernel-ab.sh prepare
#   there: the run tool with command `bash bench/gpu-kernel-ab.sh`, carry ["gpu-bundle"], timeout_s 300
# Output: $OUT/ab.txt (uptime and CPU first; per process the module load time, copy ceiling, feeder rate, end to end).
set -uo pipefail
cd "$(dirname "$0")/.."
override=gpu-bundle/ptx-override/org/etab/gpu/cuda
if [[ ${1:-} == prepare ]]; then
  # the PTX as committed before ab0fb98, NUL-terminated as cuModuleLoadData wants text, under the fatbin's resource name
  mkdir -p "$override"
  git show ab0fb98~1:gpu/cuda/src/main/resources/org/etab/gpu/cuda/normalize.ptx > "$override/normalize.fatbin"
  printf '\0' >> "$override/normalize.fatbin"
  exit
fi
out=${OUT:-/tmp/etab-ab}
mkdir -p "$out"
bash gpu-bundle/run-bundle.sh -version > /dev/null 2>&1 # unpacks the bundle to /tmp/etab-bundle once
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:$(find / -xdev -name 'libcudart.so.13*' 2>/dev/null | xargs -r -n1 dirname | sort -u | paste -sd:)"
java=/tmp/etab-bundle/jre/bin/java
{
  uptime; nproc; grep -m1 "model name" /proc/cpuinfo
  for round in 1 2 3; do
    for kind in fatbin ptx; do
      cp='/tmp/etab-bundle/lib/*'
      [[ $kind == ptx ]] && cp="$PWD/gpu-bundle/ptx-override:$cp" # first on the classpath: its resource wins
      echo "== round $round $kind $(date -u +%T)"
      timeout 100 "$java" -cp "$cp" org.etab.bench.gpu.GpuCheck 120 3 16 2>&1 \
        | grep -a "kernel module\|DeviceFeeder\|ceiling\|end to end, 1" | awk '!seen[$0]++'
    done
  done
  uptime
} 2>&1 | tee "$out/ab.txt"
