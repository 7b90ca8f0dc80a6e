#!/usr/bin/env bash
# Builds the bundle that runs GpuCheck, the CLI and README's GPU example on a lent GPU machine (which has CUDA but no
# JDK and no network) and prints the `run` tool call to make (bench/gpu-session.sh). Run here, from anywhere:
#   bash bench/check-on-gpu.sh
#   - bundle: trimmed JRE + the bench module's runtime classpath, minus ND4J/OpenBLAS (not needed by the CUDA path;
#     too large), the plotting and JMH libraries (neither GpuCheck nor `etab bench/demo --device cuda` loads them)
#     and other platforms' natives; refused over 60 MB by gpu-bundle.sh. The CLI (picocli) stays, so that
#     bench/gpu-session.sh can run `etab synth/bench/demo` there as a user would
#   - one reactor build: loader and gpu come from their target/ folders, nothing is installed into ~/.m2
#   - OUT=gpu-bundle/ at the repository root, ignored through .git/info/exclude, so the run tool must carry it
set -euo pipefail
cd "$(dirname "$0")/.."
out=gpu-bundle
exclude="$(git rev-parse --git-common-dir)/info/exclude"
grep -qxF "/$out/" "$exclude" 2>/dev/null || echo "/$out/" >> "$exclude"
# test-compile, not compile: the dependency plugin also resolves the test-jars bench's tests use
# to a file: on stdout Maven's colour codes end up inside the classpath
mvn -B -q -o test-compile dependency:build-classpath -pl bench -am -DincludeScope=runtime \
  -Dmdep.outputFile=target/gpu-classpath.txt
cp=$(cat bench/target/gpu-classpath.txt)
# README's GPU example, compiled as a user's code against the same classpath, so that the session runs it there
rm -rf bench/target/gpu-examples
javac -d bench/target/gpu-examples -cp "$cp" bench/examples/src/main/java/org/etab/examples/CudaFeederExample.java
rm -rf "$out"
# the CUDA path needs no ND4J/OpenBLAS (Java or native), no CLI library and no other platform's natives
export EXCLUDE='^(nd4j-native|nd4j-presets|openblas-|guava-1\.0\.0-M|jackson-1\.0\.0-M|protobuf-1\.0\.0-M|flatbuffers-|oshi-|jna-|neoitertools-|threetenbp-|commons-net-|jmh-|jopt-simple-|commons-math3-|xchart-|pdfbox-|fontbox-|VectorGraphics2D-|graphics2d-).*|-(osx|windows)-|aarch_64|-tests\.jar$'
# jdk.management: the CLI reads process CPU time (com.sun.management)
JRE_MODULES=java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.xml,java.desktop,java.naming \
  ../shared/tools/gpu-bundle.sh "$out" "$cp" bench/target/classes bench/target/gpu-examples
cat <<MSG

On the GPU session, call the run tool with:
  command:   bash bench/gpu-session.sh        (STEPS=check,cli,auto,metrics by default; also datasets)
  carry:     ["$out"]
  timeout_s: 400
or, for W1's thread scaling against the reference loader: command bash bench/gpu-scaling.sh, timeout_s 300.
Results come back under \$OUT (docs/gpu.md, "Running GpuCheck"); give the machine back afterwards.
MSG
