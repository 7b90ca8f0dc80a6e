#!/usr/bin/env bash
# Writes tiny phantoms, exports them every documented way, and checks every file with NumPy
# (bench/compare/check_exports.py; EchoNet pixels against the AVIs decoded by the ffmpeg CLI when it is installed,
# reported SKIPPED when not), then damages copies of a few EchoNet exports and expects the checker to see each
# (check_exports_selftest.py). Usage: bench/compare/check_exports.sh [WORK_DIR] (default /tmp/etab-check-exports;
# wiped first). Exit status 1 when an export is not what README.md and docs/datasets.md say, or a damage goes unseen.
set -euo pipefail
case ${1:-} in
  -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "check_exports.sh: WORK_DIR must not start with '-': $1 (usage: check_exports.sh [WORK_DIR])" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/../.."
W=${1:-/tmp/etab-check-exports}
rm -rf -- "$W"
mkdir -p "$W/data" "$W/out"
D=$W/data
O=$W/out
start=$(date +%s)

# one JVM per command: ~1 s each
etab() { nice ./etab "$@"; }
etab synth --dataset echonet --out "$D/echonet" --videos 12 --seed 5 --quiet
etab synth --dataset camus --out "$D/camus-mhd" --patients 6 --release mhd --seed 5 --quiet
etab synth --dataset camus --out "$D/camus-nii" --patients 6 --release nifti --seed 5 --quiet
etab synth --dataset tmed --out "$D/tmed" --patients 6 --seed 5 --quiet

# EchoNet with odd file names: a comma, quotes, a space, non-ASCII, and a real video named like a clip id (X_1)
O2=$D/echonet-odd
cp -r "$D/echonet" "$O2"
/usr/bin/python3 - "$O2" <<'EOF'
import csv, os, sys
root = sys.argv[1]
names = [r["FileName"] for r in csv.DictReader(open(os.path.join(root, "FileList.csv")))]
new = {names[0]: 'a, "b" c', names[1]: "échø ü", names[2]: names[3] + "_1", names[4]: "x;y=1#'z'"}
def rename(n):
    stem = n[:-4] if n.endswith(".avi") else n
    return new.get(stem, stem) + n[len(stem):]
for f in ("FileList.csv", "VolumeTracings.csv"):
    rows = list(csv.reader(open(os.path.join(root, f))))
    for r in rows[1:]:
        r[0] = rename(r[0])
    csv.writer(open(os.path.join(root, f), "w", newline="")).writerows(rows)
for old, nn in new.items():
    os.rename(os.path.join(root, "Videos", old + ".avi"), os.path.join(root, "Videos", nn + ".avi"))
EOF

# EchoNet whose FileList disagrees with its AVIs: NumberOfFrames 20 too high for one video, 30 too low for another
# (planning counts FileList's frames; the file decides which clip positions are padding)
O3=$D/echonet-index-off
cp -r "$D/echonet" "$O3"
/usr/bin/python3 - "$O3/FileList.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
rows[0]["NumberOfFrames"] = str(int(rows[0]["NumberOfFrames"]) + 20)
rows[2]["NumberOfFrames"] = str(int(rows[2]["NumberOfFrames"]) - 30)
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), fieldnames=list(rows[0]))
w.writeheader()
w.writerows(rows)
EOF

# EchoNet re-encoded into the other ways a video holds its gray (only with ffmpeg, which the checker then decodes
# them with): MJPEG 4:2:2 and 4:4:4 (full range), limited-range MJPEG and MPEG-4 (luma stretched), raw gray, raw
# BGR (swscale's gray); videos 7.. stay MJPEG 4:2:0
O4=
if command -v ffmpeg > /dev/null; then
    O4=$D/echonet-formats
    cp -r "$D/echonet" "$O4"
    i=0
    for f in "$O4"/Videos/*.avi; do
        case $i in
            0) a=(-c:v mjpeg -pix_fmt yuvj422p) ;;
            1) a=(-c:v mjpeg -pix_fmt yuvj444p) ;;
            2) a=(-c:v mjpeg -pix_fmt yuv420p -color_range tv -strict unofficial) ;;
            3) a=(-c:v mpeg4 -pix_fmt yuv420p) ;;
            4) a=(-c:v rawvideo -pix_fmt gray) ;;
            5) a=(-c:v rawvideo -pix_fmt bgr24) ;;
            *) break ;;
        esac
        nice ffmpeg -v error -nostdin -i "$f" "${a[@]}" -q:v 3 "$W/re.avi" && mv "$W/re.avi" "$f"
        i=$((i + 1))
    done
fi

# case NAME ARGS...: runs `etab ARGS --out $O/NAME` in the background (two at a time: a JVM's start-up leaves a core
# idle), keeping the command line, stdout and report beside the folder; a run that fails leaves no folder, which the
# checker reports
case_() {
    local name=$1
    shift
    printf '%s\n' "$@" > "$O/$name.args"
    if [ "$1" = export ]; then
        etab "$@" --out "$O/$name" --report "$O/$name.report.csv" --quiet > "$O/$name.stdout" &
    else
        etab "$@" --out "$O/$name" > "$O/$name.stdout" &
    fi
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
}
E=(--dataset echonet --root "$D/echonet" --split all)
# clips: float32 normalized / [0,1] / uint8, channels 3 and 1, both layouts, every clip start, padding
case_ e_clip_norm_c3      export "${E[@]}" --clip-length 8 --clip-start first
case_ e_clip_01_c1_tchw   export "${E[@]}" --clip-length 8 --clip-start first --normalize false --channels 1 --layout tchw
case_ e_clip_u8_c1        export "${E[@]}" --clip-length 8 --clip-start first --dtype uint8 --channels 1
case_ e_clip_u8_c3_tchw   export "${E[@]}" --clip-length 8 --clip-start first --dtype uint8 --layout tchw
case_ e_clip_all_fps0     export "${E[@]}" --clip-length 48 --fps 0 --clip-start all --target ES/ED --frame-size 64x80
case_ e_clip_random_50fps export "${E[@]}" --clip-length 6 --fps 50 --target CM --frame-size 40x56 --resize nearest
# the same random starts whatever the order and threads (and dtype, layout): compared with the one above
case_ e_clip_random_shuf  export "${E[@]}" --clip-length 6 --fps 50 --target CM --frame-size 40x56 --resize nearest --shuffle true --threads 1 --dtype uint8 --layout tchw
case_ e_clip_padded       export "${E[@]}" --clip-length 120 --fps 0 --clip-start first --target LV_seg --frame-size 48x48 --dtype uint8 --layout tchw
case_ e_clip_nopad        export "${E[@]}" --clip-length 120 --fps 0 --clip-start first --padding false --frame-size native
case_ e_clip_pil_c1       export "${E[@]}" --clip-length 4 --clip-start first --frame-size 72x150 --resize nearest --antialias true --channels 1
# stills
case_ e_still_ef          export "${E[@]}" --video false --frame-size 96x72
case_ e_still_lvseg       export "${E[@]}" --video false --target LV_seg --channels 1 --normalize false
case_ e_still_lvseg_big   export "${E[@]}" --video false --target LV_seg --frame-size 160x144 --dtype uint8
case_ e_still_lvseg_2x2    export "${E[@]}" --video false --target LV_seg --frame-size 2x2 --dtype uint8
case_ e_still_esed        export "${E[@]}" --video false --target ES/ED --dtype uint8 --channels 1 --layout tchw
# a sharded export (each rank's share) and a resumed one (stopped by --limit, then raised), into their own folders
for r in 0 1; do
    case_ e_rank$r export "${E[@]}" --clip-length 8 --clip-start all --fps 0 --rank $r --world 2
done
etab export "${E[@]}" --clip-length 8 --clip-start all --fps 0 --batch 4 --limit 10 --resume "$O/e_resume.state" \
    --out "$O/e_resume" --report "$O/e_resume.report.csv" --quiet > /dev/null
case_ e_resume export "${E[@]}" --clip-length 8 --clip-start all --fps 0 --batch 4 --resume "$O/e_resume.state"
case_ e_odd_ids           export --dataset echonet --root "$O2" --split all --clip-length 32 --fps 0 --clip-start all --dtype uint8 --channels 1
X=(--dataset echonet --root "$O3" --split all)
case_ e_index_off_pad     export "${X[@]}" --clip-length 120 --fps 0 --clip-start first --dtype uint8 --channels 1
case_ e_index_off_all     export "${X[@]}" --clip-length 16 --fps 25 --clip-start all --target ES/ED
if [ -n "$O4" ]; then
    F=(--dataset echonet --root "$O4" --split all --clip-start first)
    case_ e_formats_u8    export "${F[@]}" --clip-length 16 --fps 0 --dtype uint8 --channels 1
    case_ e_formats_norm  export "${F[@]}" --clip-length 8 --frame-size 64x80
    case_ e_formats_clip  export --dataset echonet --root "$O4" --split all --clip-length 8   # random starts; also for pyav_loader.py --verify
fi
# CAMUS, both releases
for rel in mhd nii; do
    C=(--dataset camus --root "$D/camus-$rel" --split all)
    case_ c${rel}_still_ef_native export "${C[@]}" --video false --frame-size native --dtype uint8 --channels 1
    case_ c${rel}_still_lv_native export "${C[@]}" --video false --target LV_seg --frame-size native --channels 1 --normalize false
    case_ c${rel}_still_my        export "${C[@]}" --video false --target MY_seg --frame-size 96x80 --resize nearest --dtype uint8
    case_ c${rel}_still_la        export "${C[@]}" --video false --target LA_seg --frame-size 64x64
    case_ c${rel}_still_pil_nearest export "${C[@]}" --video false --target LV_seg --frame-size 100x90 --resize nearest --antialias true
    case_ c${rel}_still_my_1x3    export "${C[@]}" --video false --target MY_seg --frame-size 1x3 --channels 1
    case_ c${rel}_still_view      export "${C[@]}" --video false --target view --view both --channels 1
    case_ c${rel}_clip_esed       export "${C[@]}" --clip-length 6 --clip-start all --target ES/ED --frame-size native --dtype uint8 --channels 1 --layout tchw
    case_ c${rel}_clip_lv         export "${C[@]}" --clip-length 24 --clip-start first --target LV_seg --frame-size 72x64
    case_ c${rel}_clip_my_la      export "${C[@]}" --clip-length 8 --clip-start first --target MY_seg --frame-size native --dtype uint8 --layout tchw
    case_ c${rel}_clip_view       export "${C[@]}" --clip-length 8 --target view --fps 50 --channels 1 --normalize false
    case_ c${rel}_clip_cm         export "${C[@]}" --clip-length 10 --target CM --view AP4CH --fps 0 --frame-size native
done
# TMED-2: each label scheme
T=(--dataset tmed --root "$D/tmed" --split all)
for s in view5 view5-a2c-first view3; do
    case_ t_view_$s export "${T[@]}" --target view --view all --label-scheme "$s" --dtype uint8 --channels 1
done
case_ t_view_pil_nearest export "${T[@]}" --target view --frame-size 72x150 --resize nearest --antialias true --dtype uint8
case_ t_view_view2 export "${T[@]}" --target view --label-scheme view2
case_ t_view_default export "${T[@]}" --target view --view PLAX --frame-size 80x96 --channels 1 --normalize false
for s in as3 as2 as5; do
    case_ t_as_$s export "${T[@]}" --target AS --label-scheme "$s" --channels 1
done
# etab split
case_ s_echonet split --dataset echonet --root "$D/echonet" --split all
case_ s_camus   split --dataset camus --root "$D/camus-nii" --split all --train-frac 0.6 --val-frac 0.2
case_ s_tmed    split --dataset tmed --root "$D/tmed" --split all --target AS --random false

while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n || true; done
rc=0
/usr/bin/python3 bench/compare/check_exports.py "$O" || rc=$?
# the checker can still fail: a shifted clip, swapped samples, a pixel 2 levels off, ... (only its last line)
if [ $rc = 0 ]; then
    /usr/bin/python3 bench/compare/check_exports_selftest.py "$O" "$W/selftest" > "$W/selftest.log" || rc=$?
    [ $rc = 0 ] || grep -v '^caught' "$W/selftest.log"
    tail -1 "$W/selftest.log"
fi
# bench/compare's tuned Python loader must do the same work as etab for its comparison to be fair: its clips from
# the starts each manifest gives equal the float32 exports bit for bit (needs Debian's python3-av; reported SKIPPED
# without it): MJPEG 4:2:0 from frame 0 and from every start (the two ranks' shares), and with ffmpeg the
# re-encoded formats (4:2:2, 4:4:4, limited range, MPEG-4, raw gray and BGR) from random starts
if /usr/bin/python3 -c 'import av' 2>/dev/null; then
    /usr/bin/python3 bench/compare/pyav_loader.py --root "$D/echonet" --verify "$O/e_clip_norm_c3" --clip-length 8 \
        --fps 25 || rc=1
    for r in 0 1; do
        /usr/bin/python3 bench/compare/pyav_loader.py --root "$D/echonet" --verify "$O/e_rank$r" --clip-length 8 \
            --fps 0 || rc=1
    done
    if [ -n "$O4" ]; then
        /usr/bin/python3 bench/compare/pyav_loader.py --root "$O4" --verify "$O/e_formats_clip" --clip-length 8 \
            --fps 25 || rc=1
    fi
else
    echo "pyav_loader.py --verify: SKIPPED (no python3-av)"
fi
echo "check_exports.sh: $(( $(date +%s) - start )) s"
exit $rc
