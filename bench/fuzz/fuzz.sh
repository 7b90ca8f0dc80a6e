#!/usr/bin/env bash
# Coverage-guided fuzzing of the loader's parsers with Jazzer's standalone driver (docs/sampling.md, "Fuzzing").
#
#   bench/fuzz/fuzz.sh [--time SECONDS] [--xmx SIZE] [TARGET...]     fuzz each TARGET (default: all) in turn
#   bench/fuzz/fuzz.sh --seeds                                       rewrite the seed inputs (FuzzSeeds)
#
# Targets: the @FuzzTest methods of loader/src/test/java/org/etab/fuzz/
#   MediaFuzzTest: metaImage nifti aviIndex png
#   TextFuzzTest:  echoNetFileList echoNetTracings tmedLabels tmedFold camusInfo configFile
# --time  seconds per target (default 180); --xmx the fuzzing JVM's heap (default 1g: an allocation by a lying header
#         fails fast instead of taking the machine's memory; FuzzChecks' heap bound catches the smaller ones).
# Each target starts from its committed inputs (loader/src/test/resources/org/etab/fuzz/<Class>Inputs/<target>/)
# and keeps what it learns in loader/target/fuzz/<target>/corpus; a finding is written to loader/target/fuzz/<target>/
# (crash-*, timeout-*, oom-*) and ends that target's run. To keep one as a regression input: minimise it (the log's
# first line is the command; run it again from loader/ with -minimize_crash=1 -runs=100000 CRASH in place of the
# corpus folder), copy it into the target's inputs folder under a name that says what it is, and fix the parser;
# `mvn test` then replays it.
# Prints one line per target: executions, seconds, findings. Exit status 1 when any target found something.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
loader="$repo/loader"
out="$loader/target/fuzz"
time=180
xmx=1g
seeds=false
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --time) time="$2"; shift 2 ;;
        --xmx) xmx="$2"; shift 2 ;;
        --seeds) seeds=true; shift ;;
        -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done

media=(metaImage nifti aviIndex png)
text=(echoNetFileList echoNetTracings tmedLabels tmedFold camusInfo configFile)
[[ ${#targets[@]} -gt 0 ]] || targets=("${media[@]}" "${text[@]}")
class_of() {
    local t
    for t in "${media[@]}"; do [[ "$t" == "$1" ]] && { echo org.etab.fuzz.MediaFuzzTest; return; }; done
    for t in "${text[@]}"; do [[ "$t" == "$1" ]] && { echo org.etab.fuzz.TextFuzzTest; return; }; done
    echo "fuzz.sh: unknown target $1 (targets: ${media[*]} ${text[*]})" >&2
    exit 2
}
for t in "${targets[@]}"; do class_of "$t" >/dev/null; done

# test classes and their class path, offline and without installing anything
mkdir -p "$out"
(cd "$repo" && mvn -B -q -o test-compile -pl loader \
    && mvn -B -q -o dependency:build-classpath -pl loader -Dmdep.includeScope=test \
        -Dmdep.outputFile="$out/classpath.txt")
cp="$loader/target/test-classes:$loader/target/classes:$(cat "$out/classpath.txt")"

if $seeds; then
    # FuzzSeeds reads ../config/etab.yaml, relative to the loader
    (cd "$loader" && java -cp "$cp" org.etab.fuzz.FuzzSeeds src/test/resources/org/etab/fuzz)
    echo "seeds written under loader/src/test/resources/org/etab/fuzz/"
    exit 0
fi

found=0
for t in "${targets[@]}"; do
    dir="$out/$t"
    mkdir -p "$dir/corpus"
    log="$dir/log.txt"
    started=$(date +%s)
    # the driver adds the committed inputs folder itself (found from the working directory, the loader)
    cmd=(java -Xmx"$xmx" -cp "$cp" com.code_intelligence.jazzer.Jazzer
        --target_class="$(class_of "$t")" --target_method="$t"
        -max_total_time="$time" -timeout=30 -rss_limit_mb=4096 -artifact_prefix="$dir/" "$dir/corpus")
    echo "${cmd[*]}" >"$log"
    set +e
    (cd "$loader" && "${cmd[@]}") >>"$log" 2>&1
    rc=$?
    set -e
    runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 || true)
    crashes=$(find "$dir" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' \
        | wc -l)
    echo "$t: exit $rc, ${runs:-no summary} (wall $(( $(date +%s) - started )) s), findings in $dir: $crashes"
    if [[ $rc -ne 0 || $crashes -gt 0 ]]; then
        found=1
        grep -m1 -A8 '== Java Exception\|ERROR: libFuzzer' "$log" || tail -20 "$log"
    fi
done
# the driver also keeps a corpus in the JUnit integration's default place; it is in target/fuzz/<target>/corpus
rm -rf "$loader/.cifuzz-corpus"
exit $found
