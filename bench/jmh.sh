#!/usr/bin/env bash
# Runs the JMH benchmarks of bench/ (package org.etab.bench.jmh). Builds first (mvn package, tests skipped) when
# the jar is missing or older than any source or pom, as ./etab does. Arguments go to JMH unchanged, e.g.
#   bench/jmh.sh                                   every benchmark, the defaults in the classes' annotations:
#                                                  1 fork, 3 warmup + 5 measurement iterations of 1 s
#   bench/jmh.sh DecodeBenchmark -p n=32           one class, one parameter value (a regexp selects benchmarks)
#   bench/jmh.sh -l                                list the benchmarks;  bench/jmh.sh -h  JMH's options
# Extra Maven flags for the build (e.g. -o): ETAB_MVN_FLAGS. Extra JVM options for the host JVM: ETAB_JAVA_OPTS
# (forks take theirs from -jvmArgs / -jvmArgsAppend).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/bench/target/etab-bench.jar"
classpath="$here/bench/target/classpath.txt"

stale=0
if [[ ! -f "$jar" || ! -f "$classpath" ]]; then
  stale=1
elif [[ -n "$(find "$here/pom.xml" "$here"/{loader,gpu,bench} -not -path '*/target/*' \
        \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -print -quit 2>/dev/null)" ]]; then
  stale=1
elif ! grep -q "$here/loader/target/" "$classpath"; then
  # built with -pl bench: the classpath names the loader installed in ~/.m2, which any checkout may overwrite
  stale=1
fi
if [[ $stale == 1 ]]; then
  echo "jmh: building (mvn package -DskipTests)..." >&2
  log="$(mktemp)"
  # shellcheck disable=SC2086
  if ! (cd "$here" && mvn -B -q -Dstyle.color=never ${ETAB_MVN_FLAGS:-} -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package) >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; echo "jmh: the build failed (above)" >&2; exit 1
  fi
  rm -f "$log"
fi

# the annotation processor (jmh-generator-annprocess, provided scope) writes the list JMH runs from
if command -v unzip >/dev/null; then
  listed() { unzip -l "$jar" META-INF/BenchmarkList >/dev/null 2>&1; }
else
  listed() { jar tf "$jar" | grep -qx META-INF/BenchmarkList; }
fi
if ! listed; then
  echo "jmh: $jar has no META-INF/BenchmarkList: the JMH annotation processor did not run" >&2
  exit 1
fi

# JMH refuses a result (-rff) or output (-o) file whose folder does not exist, as in docs/jmh.md's commands
# (/tmp/jmh-runs/r2/...): make it
prev=""
for arg in "$@"; do
  if [[ $prev == -rff || $prev == -o ]]; then mkdir -p -- "$(dirname -- "$arg")"; fi
  prev=$arg
done

# shellcheck disable=SC2086
exec java ${ETAB_JAVA_OPTS:-} -cp "$jar:$(cat "$classpath")" org.openjdk.jmh.Main "$@"
