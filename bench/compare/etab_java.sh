#!/usr/bin/env bash
# Which JVM a checkout's ./etab runs on, for the machine.txt of the benchmark scripts: the launcher picks the newest
# JDK >= 25 under /usr/lib/jvm (or ETAB_JAVA) with its start-up cache, else `java`, so `java -version` is not it.
#
#   bench/compare/etab_java.sh [CHECKOUT]     prints e.g.  25.0.3+9-LTS (/usr/lib/jvm/temurin-25-jdk-amd64), AOT cache
set -euo pipefail
repo="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
out=$(ETAB_JAVA_OPTS="${ETAB_JAVA_OPTS:-} -XshowSettings:properties -XX:+PrintCommandLineFlags" "$repo/etab" --version 2>&1) ||
  { echo "etab_java.sh: $repo/etab --version failed:" >&2; echo "$out" >&2; exit 1; }
version=$(sed -n 's/^ *java\.runtime\.version = //p' <<<"$out" | head -1)
home=$(sed -n 's/^ *java\.home = //p' <<<"$out" | head -1)
if grep -q -- '-XX:AOTCache=' <<<"$out"; then cache="AOT cache"; else cache="no start-up cache"; fi
echo "${version:-unknown} (${home:-unknown}), $cache"
