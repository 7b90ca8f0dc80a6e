#!/usr/bin/env bash
# Builds the bundle that runs org.etab.gpu.cuda.GpuCheck on a lent GPU machine (which has CUDA but no JDK and no
# network) and prints the `run` tool call to make. Run here, from anywhere: bash gpu/check-on-gpu.sh
#   - bundle: trimmed JRE + the gpu module's runtime classpath, minus ND4J/OpenBLAS (not needed by the CUDA path;
#     too large) and other platforms' natives; refused over 60 MB by gpu-bundle.sh
#   - OUT=gpu-bundle/ at the repository root, ignored through .git/info/exclude, so the run tool must carry it
set -euo pipefail
cd "$(dirname "$0")/.."
out=gpu-bundle
exclude="$(git rev-parse --git-common-dir)/info/exclude"
grep -qxF "/$out/" "$exclude" 2>/dev/null || echo "/$out/" >> "$exclude"
mvn -B -q -o install -DskipTests -pl loader -am
mvn -B -q -o compile -pl gpu
# to a file: on stdout Maven's colour codes end up inside the classpath
mvn -B -q -o -pl gpu dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/gpu-classpath.txt
cp=$(cat gpu/target/gpu-classpath.txt)
rm -rf "$out"
# the CUDA path needs no ND4J/OpenBLAS (Java or native) and no other platform's natives
export EXCLUDE='^(nd4j-|openblas-|guava-1\.0\.0-M|jackson-1\.0\.0-M|protobuf-1\.0\.0-M|flatbuffers-|oshi-|jna-|neoitertools-|threetenbp-|commons-net-).*|-(osx|windows)-|aarch_64|-tests\.jar$'
../shared/tools/gpu-bundle.sh "$out" "$cp" gpu/target/classes
cat <<MSG

On the GPU session, call the run tool with:
  command:   bash $out/run-bundle.sh org.etab.gpu.cuda.GpuCheck 120 10 16
  carry:     ["$out"]
  timeout_s: 540
(arguments: phantom videos, epochs for the memory check, batch size; the Markdown table is the last lines of
stdout; exit 2 means the probe found no GPU, with the reason)
MSG
