#!/usr/bin/env bash
# The README's artifact table: for each library artifact, the jars a user's project resolves at run time (the
# artifact's own jar and its compile and runtime dependencies; `provided` ones such as ND4J and DJL left out) and
# their total size. Run after `mvn package` (the artifacts' own jars are read from target/).
#   bash bench/artifact-sizes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

printf '%-12s %6s %10s  %s\n' artifact jars MB 'largest jar'
for module in loader gpu/nd4j gpu/cuda gpu/djl; do
  name="etab-${module##*/}"
  # || true: with pipefail, a missing jar would end the script here, silently, before the message below
  own="$(ls "$module"/target/"$name"-*.jar 2>/dev/null | grep -v -e '-sources' -e '-javadoc' -e '-tests' | head -1 || true)"
  [[ -n $own ]] || { echo "artifact-sizes: $module/target has no $name jar; run mvn package first" >&2; exit 1; }
  mvn -B -q -o -Dstyle.color=never -pl "$module" dependency:list -DincludeScope=runtime \
    -DoutputAbsoluteArtifactFilename=true -DoutputFile="$tmp/list.txt" >"$tmp/mvn.log" 2>&1 \
    || { cat "$tmp/mvn.log" >&2; exit 1; }
  # each dependency line ends with its jar's absolute path after the last ':'
  { echo "$own"; grep -o '/[^:]*\.jar' "$tmp/list.txt"; } | sort -u >"$tmp/jars.txt"
  jars=$(wc -l <"$tmp/jars.txt")
  bytes=$(xargs stat -c %s <"$tmp/jars.txt" | awk '{s += $1} END {print s}')
  largest="$(xargs stat -c '%s %n' <"$tmp/jars.txt" | sort -n | tail -1 | awk '{n = split($2, p, "/"); printf "%s (%.1f MB)", p[n], $1 / 1e6}')"
  printf '%-12s %6d %10.2f  %s\n' "$name" "$jars" "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')" "$largest"
done
