#!/usr/bin/env bash
# Decode-only ceiling for W1: decode EVERY frame of every video of a split, nothing else (no conversion, no
# normalization, no batching), one single-threaded decoder per process, one process per core.
#
#   bench/compare/ffmpeg_ceiling.sh ROOT [SPLIT=train] [PROCS=nproc] [MODE=concat|perfile|opencv]
#
# MODE concat  (default): the split's files are dealt round-robin into PROCS lists; each list is decoded by ONE
#               `ffmpeg -threads 1 -f concat -i list -fps_mode passthrough -f null -` process (Debian's ffmpeg),
#               so process start-up is paid PROCS times, not once per file. Logging is -v fatal: the null
#               muxer complains about non-monotonic timestamps where a 30 fps file follows a 50 fps one
#               (thousands of lines); every frame is still decoded and counted.
# MODE perfile: `ffmpeg -v error -threads 1 -i X.avi -f null -` per file through `xargs -P PROCS`; includes one
#               ffmpeg start-up (~tens of ms) per file, which on these short videos costs as much as the decoding.
# MODE opencv : cv2.VideoCapture read-all per file in a multiprocessing.Pool(PROCS) (Debian's python3-opencv, or $PY),
#               the way performance.md measured its ceiling.
#
# Prints one machine-readable line:
#   CEILING mode=.. procs=.. videos=.. frames=.. seconds=.. frames_per_s=.. clip_ceiling_per_s=..
# frames = frames actually decoded (counted by ffmpeg's -progress / by OpenCV), clip_ceiling_per_s =
# frames_per_s / 32: the clips/s a loader could reach if it decoded only the 32 frames a clip needs and did
# nothing else (MJPEG is intra-only, so the frames in between can be skipped undecoded). Exits non-zero, saying why,
# when ffmpeg or cv2 is missing, an ffmpeg process fails, OpenCV reads no frame of a file, or nothing was decoded.
set -euo pipefail
root="${1:?usage: ffmpeg_ceiling.sh ROOT [SPLIT] [PROCS] [MODE]}"
split="${2:-train}"
procs="${3:-$(nproc)}"
mode="${4:-concat}"
clip=32
[[ $procs =~ ^[1-9][0-9]*$ ]] || { echo "ffmpeg_ceiling.sh: PROCS must be a whole number >= 1, not '$procs'" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Videos of the split, absolute paths (FileName has no extension in EchoNet-Dynamic's FileList).
awk -F, -v s="$(echo "$split" | tr a-z A-Z)" -v dir="$(cd "$root" && pwd)/Videos" '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  s == "ALL" || toupper($col["Split"]) == s {
    f = $col["FileName"]; if (f !~ /\.avi$/) f = f ".avi"; print dir "/" f }' "$root/FileList.csv" > "$work/files"
videos=$(wc -l < "$work/files")
[[ $videos -gt 0 ]] || { echo "no videos in split $split under $root" >&2; exit 1; }

case "$mode" in
  concat|perfile) command -v ffmpeg >/dev/null || { echo "ffmpeg_ceiling.sh: needs Debian's ffmpeg (apt-get install -y ffmpeg)" >&2; exit 1; } ;;
  opencv) "${PY:-/usr/bin/python3}" -c 'import cv2' 2>/dev/null || {
            echo "ffmpeg_ceiling.sh: needs Debian's python3-opencv for ${PY:-/usr/bin/python3} (apt-get install -y python3-opencv)" >&2; exit 1; } ;;
  *) echo "unknown mode $mode (concat|perfile|opencv)" >&2; exit 2 ;;
esac

now() { date +%s.%N; }
case "$mode" in
  concat)
    for ((p = 0; p < procs; p++)); do
      awk -v p="$p" -v n="$procs" '(NR - 1) % n == p { gsub(/\x27/, "\x27\\\x27\x27"); print "file \x27" $0 "\x27" }' \
        "$work/files" > "$work/list$p"
    done
    t0=$(now)
    pids=()
    for ((p = 0; p < procs; p++)); do
      ffmpeg -nostdin -v fatal -threads 1 -f concat -safe 0 -i "$work/list$p" -map 0:v:0 -fps_mode passthrough \
        -progress "$work/progress$p" -f null - &
      pids+=($!)
    done
    # each process's status: a plain `wait` returns 0 whatever they did, and a failed one has decoded fewer frames
    for pid in "${pids[@]}"; do
      wait "$pid" || { echo "ffmpeg_ceiling.sh: an ffmpeg process failed (exit $?) on one of its files" >&2
                       kill "${pids[@]}" 2>/dev/null; exit 1; }
    done
    t1=$(now)
    frames=0
    for ((p = 0; p < procs; p++)); do
      f=$(grep '^frame=' "$work/progress$p" | tail -1 | cut -d= -f2)
      frames=$((frames + f))
    done
    ;;
  perfile)
    t0=$(now)
    # each ffmpeg writes its decoded frame count (last frame= of -progress) to its own file
    xargs -P "$procs" -I{} sh -c 'ffmpeg -nostdin -v error -threads 1 -i "$1" -map 0:v:0 -fps_mode passthrough \
        -progress "$2/p.$(basename "$1")" -f null -' _ {} "$work" < "$work/files"
    t1=$(now)
    frames=$(for f in "$work"/p.*; do grep '^frame=' "$f" | tail -1 | cut -d= -f2; done | awk '{ s += $1 } END { print s }')
    ;;
  opencv)
    out=$("${PY:-/usr/bin/python3}" - "$work/files" "$procs" <<'EOF'
import sys, time, multiprocessing as mp
import cv2
cv2.setNumThreads(1)
def decode(path):
    c = cv2.VideoCapture(path); n = 0
    while True:
        ok, _ = c.read()
        if not ok: break
        n += 1
    c.release(); return n
files = open(sys.argv[1]).read().splitlines()   # one path a line: paths may hold spaces
with mp.Pool(int(sys.argv[2])) as pool:
    pool.map(decode, files[:2])                      # workers started and cv2 loaded before the clock
    t0 = time.perf_counter(); counts = pool.map(decode, files, chunksize=1); t1 = time.perf_counter()
bad = [f for f, n in zip(files, counts) if n == 0]
if bad:
    sys.exit("ffmpeg_ceiling.sh: OpenCV decoded no frame of %d file(s), e.g. %s" % (len(bad), bad[0]))
print(sum(counts), t1 - t0)
EOF
)
    frames=${out% *}
    t0=0; t1=${out#* }
    ;;
esac
[[ $frames -gt 0 ]] || { echo "ffmpeg_ceiling.sh: no frame decoded" >&2; exit 1; }

awk -v m="$mode" -v p="$procs" -v v="$videos" -v f="$frames" -v t0="$t0" -v t1="$t1" -v c="$clip" 'BEGIN {
  s = t1 - t0
  printf "CEILING mode=%s procs=%d videos=%d frames=%d seconds=%.3f frames_per_s=%.1f clip_ceiling_per_s=%.1f\n",
         m, p, v, f, s, f / s, f / s / c }'
