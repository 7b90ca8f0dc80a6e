#!/usr/bin/env bash
# Builds bench/examples as a user's project would (against the artifacts `mvn -B install -DskipTests` put in
# ~/.m2) and runs every example on a phantom EchoNet set. CI runs it; so can you, after installing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$here/target/run"
rm -rf "$work" && mkdir -p "$work/out"
# a project with only the core loader, through the BOM, passes Maven Enforcer's dependency convergence
mvn -B -q -f "$here/convergence/pom.xml" validate
mvn -B -q -f "$here/pom.xml" package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
# the examples README says need etab-loader only, built with README's dependency block and nothing else
only="$here/target/loader-only"
mvn -B -q -f "$here/loader-only/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$only/classpath.txt"
loader_cp="$only/classes:$(cat "$only/classpath.txt")"
"$repo/etab" synth --dataset echonet --out "$work/echonet" --videos 24 --seed 3 --quiet
# CudaFeederExample runs on a GPU; without one it says so and exits 0 (bench/gpu-session.sh runs it on one)
for example in EtabApiExample TrainingLoopExample Dl4jFitExample MetricsExample DjlTrainingExample CudaFeederExample; do
  echo "== $example"
  case $example in
    EtabApiExample | MetricsExample) example_cp=$loader_cp ;;
    *) example_cp=$cp ;;
  esac
  # DJL: PyTorch comes from the pom (pytorch-native-cpu); offline, DJL never downloads it
  java -Dai.djl.offline=true -cp "$example_cp" "org.etab.examples.$example" "$work/echonet" "$work/out"
done
ls "$work/out"
