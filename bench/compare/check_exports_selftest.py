#!/usr/bin/python3
"""Proves check_exports.py can fail: damages copies of EchoNet exports in small ways and expects a MISMATCH for each.

    /usr/bin/python3 bench/compare/check_exports_selftest.py OUT [SCRATCH]

OUT is the folder check_exports.sh wrote its exports to (WORK_DIR/out); it is only read. Each mutation copies
one export folder (with its .args, .stdout, .report.csv) into SCRATCH (default OUT/../selftest, wiped first),
changes one thing, runs check_exports.py on that copy alone (in this process) and expects exit status 1 and a
MISMATCH line that says what changed. The undamaged copies must pass. The mutations are pixel ones and need
ffmpeg (as the checker's EchoNet pixel checks do); without it the last line says SKIPPED. stdlib + NumPy; exit
status 1 when a mutation goes unseen.
"""
import contextlib
import csv
import io
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
import check_exports as ce  # noqa: E402  (its expected_pixels and AviDecoder)


def copy_case(out, scratch, case, tag):
    dst = os.path.join(scratch, tag, case)
    shutil.copytree(os.path.join(out, case), dst)
    for ext in (".args", ".stdout", ".report.csv"):
        if os.path.exists(os.path.join(out, case + ext)):
            shutil.copy(os.path.join(out, case + ext), dst + ext)
    return dst


def manifest(d):
    with open(os.path.join(d, "manifest.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_manifest(d, rows):
    with open(os.path.join(d, "manifest.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def options(d):
    with open(d + ".args", encoding="utf-8") as f:
        return ce.parse_args([l.rstrip("\n") for l in f if l.strip()])


def save(d, row, x):
    np.save(os.path.join(d, row["x"]), np.ascontiguousarray(x))


# ------------------------------------------------------------------------------------------------- mutations
# each: (out, scratch, decoder) -> (folder to check, words the MISMATCH line must hold)


def shift_clip(d, dec):
    """uint8 gray clip from frame 0: every position shows the next frame (frames 1..8 for 0..7)."""
    row = manifest(d)[0]
    o = options(d)
    frames, _ = dec.gray(ce.EchoNet(o["root"]).video_path(row["source_id"]))
    sf = [int(v) + 1 for v in row["source_frames"].split()]
    x = np.load(os.path.join(d, row["x"]))  # [1, T, H, W]
    x[0] = frames[sf]
    save(d, row, x)
    return "position 0 (source frame 0) channel 0: pixels differ from the AVI's frame (ffmpeg) by up to"


def swap_samples(d, dec):
    """two videos' clips (same shape) exchanged, the manifest unchanged."""
    rows = manifest(d)
    a, b = (os.path.join(d, rows[i]["x"]) for i in (0, 1))
    tmp = a + ".swap"
    os.rename(a, tmp)
    os.rename(b, a)
    os.rename(tmp, b)
    return "no frame of %s matches it" % rows[0]["source_id"]


def float_pixel_plus_two(d, dec):
    """one pixel of a normalized float32 RGB clip 2 gray levels brighter, in all three channels (so the
    channels still agree and only the AVI can tell)."""
    row = manifest(d)[2]
    x = np.load(os.path.join(d, row["x"]))  # [3, T, H, W]
    t, i, j = 3, 50, 60
    for c in range(3):
        x[c, t, i, j] += np.float32(2 / (255 * ce.IMAGENET_STD[c]))
    save(d, row, x)
    return "position 3 (source frame %s) channel " % row["source_frames"].split()[t]


def uint8_resized_off_by_one(d, dec):
    """one pixel of a bilinear-resized uint8 clip one level off, where rounding half up leaves no doubt (the
    tolerance of one level this checker used to allow for it would have passed it)."""
    row = manifest(d)[0]
    o = options(d)
    frames, _ = dec.gray(ce.EchoNet(o["root"]).video_path(row["source_id"]))
    x = np.load(os.path.join(d, row["x"]))  # [T, 1, H, W] (tchw)
    H, W = x.shape[-2:]
    want, _ = ce.expected_pixels(frames[0], H, W, o)
    frac = np.abs(want - np.floor(want) - 0.5)
    i, j = np.unravel_index(np.argmax(frac), frac.shape)  # farthest from a tie
    x[0, 0, i, j] = x[0, 0, i, j] + 1 if x[0, 0, i, j] < 255 else x[0, 0, i, j] - 1
    save(d, row, x)
    return "position 0 (source frame 0) channel 0: pixels differ from the AVI's frame (ffmpeg) by up to 1.000"


def random_start_misrecorded(d, dec):
    """a random-start clip whose manifest names the window one frame later than the pixels show."""
    rows = manifest(d)
    sf = [int(v) for v in rows[0]["source_frames"].split()]
    rows[0]["source_frames"] = " ".join(str(f + 1) for f in sf)
    write_manifest(d, rows)
    return "it is source frame %d" % sf[0]


MUTATIONS = [
    ("e_clip_u8_c1", shift_clip),
    ("e_clip_norm_c3", swap_samples),
    ("e_clip_norm_c3", float_pixel_plus_two),
    ("e_clip_padded", uint8_resized_off_by_one),
    ("e_clip_random_50fps", random_start_misrecorded),
]


def check(folder):
    """check_exports.py on one folder, in this process (its decoded videos cached across calls)."""
    ce.problems.clear()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = ce.main([folder])
    return rc, [l for l in out.getvalue().splitlines() if l.startswith("MISMATCH")]


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    out = argv[0]
    scratch = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(out)), "selftest")
    shutil.rmtree(scratch, ignore_errors=True)
    dec = ce.AviDecoder("ffmpeg")
    missed = 0
    for case in sorted({c for c, _ in MUTATIONS}):  # the undamaged copies pass
        copy_case(out, scratch, case, "intact")
    rc, lines = check(os.path.join(scratch, "intact"))
    if rc:
        print("FAIL the undamaged copies: %s" % lines[:2])
        missed += 1
    if dec.reason:  # every mutation is a pixel one
        print("selftest: SKIPPED, %s; the undamaged copies %s" % (dec.reason, "FAIL" if missed else "pass"))
        return 1 if missed else 0
    for case, mutate in MUTATIONS:
        d = copy_case(out, scratch, case, mutate.__name__)
        expect = mutate(d, dec)
        rc, lines = check(d)
        hit = [l for l in lines if expect in l]
        if rc == 1 and hit:
            print("caught %s: %s" % (mutate.__name__, hit[0]))
        else:
            print("MISSED %s on %s: exit %d, expected a MISMATCH with %r; got %s" % (
                mutate.__name__, case, rc, expect, lines[:2]))
            missed += 1
    print("selftest: %s" % ("%d mutations missed" % missed if missed else "every mutation caught"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
