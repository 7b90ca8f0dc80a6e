#!/usr/bin/env bash
# W1 before and after a change: alternated pairs of fresh `etab bench` processes, one per build, on the same phantom.
#
#   bench/compare/w1_pairs.sh OLD_REV NEW_REV PAIRS OUT [ROOT]
#
# OLD_REV, NEW_REV: commits of this repository (each built in a worktree of its own under OUT); PAIRS: how many
# pairs; OUT: a new directory for the worktrees, pairs.txt (one RESULT line per run) and summary.txt; ROOT: the W1
# phantom (default /tmp/scratch/echonet; written with `etab synth --dataset echonet --videos 200 --seed 42` when
# absent). Each run: `ETAB_AOT=0 ./etab bench --root ROOT --epochs 10 --threads 2 --device cpu --quiet` (no start-up
# cache: both builds start the same way). The summary gives each build's median and range of clips/s, the median
# of the per-pair ratios new/old, and in how many pairs the new build was faster. Alternating, and the ratio per
# pair, keep a machine's drift out of the comparison.
set -euo pipefail
case ${1:-} in
  -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
[[ $# -ge 4 ]] || { echo "usage: w1_pairs.sh OLD_REV NEW_REV PAIRS OUT [ROOT] (--help)" >&2; exit 2; }
old_rev=$1 new_rev=$2 pairs=$3 out=$4 root=${5:-/tmp/scratch/echonet}
repo=$(cd "$(dirname "$0")/../.." && pwd)
[[ ! -e $out ]] || { echo "w1_pairs.sh: $out exists; name a new directory" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
for v in old new; do
  rev=$old_rev; [[ $v == new ]] && rev=$new_rev
  git -C "$repo" worktree add -q --detach "$out/$v" "$rev"
  (cd "$out/$v" && ETAB_AOT=0 ./etab --version >/dev/null) # builds the CLI once, before the clock matters
done
trap 'git -C "$repo" worktree remove --force "$out/old"; git -C "$repo" worktree remove --force "$out/new"' EXIT
if [[ ! -f $root/FileList.csv ]]; then
  (cd "$out/new" && ETAB_AOT=0 ./etab synth --dataset echonet --out "$root" --videos 200 --seed 42 --quiet)
fi
{ date -u; uptime; echo "old $(git -C "$repo" rev-parse --short "$old_rev") new $(git -C "$repo" rev-parse --short "$new_rev")"; } \
  > "$out/summary.txt"
: > "$out/pairs.txt"
for i in $(seq 1 "$pairs"); do
  for v in old new; do
    line=$(cd "$out/$v" && ETAB_AOT=0 ./etab bench --root "$root" --epochs 10 --threads 2 --device cpu --quiet \
      2>/dev/null | grep '^RESULT')
    echo "$i $v $line" >> "$out/pairs.txt"
  done
done
{ date -u; uptime; } >> "$out/summary.txt"
python3 - "$out/pairs.txt" >> "$out/summary.txt" <<'EOF'
import re, statistics, sys
rates = {"old": {}, "new": {}}
for line in open(sys.argv[1]):
    pair, build = line.split()[:2]
    rates[build][int(pair)] = float(re.search(r"clips_per_s=([0-9.]+)", line).group(1))
old = [rates["old"][k] for k in sorted(rates["old"])]
new = [rates["new"][k] for k in sorted(rates["new"])]
ratios = [n / o for o, n in zip(old, new)]
for name, r in (("old", old), ("new", new)):
    print(f"{name} median {statistics.median(r):.1f} clips/s, range {min(r):.1f}-{max(r):.1f}")
print(f"new/old per pair: median {statistics.median(ratios):.3f}, new faster in {sum(x > 1 for x in ratios)} of {len(ratios)}")
EOF
cat "$out/summary.txt"
