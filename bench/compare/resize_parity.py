#!/usr/bin/python3
"""Resize parity: etab's --resize/--antialias against Pillow and OpenCV on real phantom frames.

Writes phantom EchoNet-Dynamic, CAMUS (MetaImage release) and TMED-2 sets with `etab synth`, exports each with
every filter (nearest, bilinear, bicubic, area) and both --antialias values as raw gray pixels (--dtype uint8
--channels 1 --normalize false), growing and shrinking; loads the same source frames itself (the AVI decoded by
OpenCV, the CAMUS .mhd/.raw and the TMED PNG read directly), resizes them with Pillow (antialias true: Image.resize
with NEAREST, BILINEAR, BICUBIC, BOX for area) and OpenCV (antialias false: cv2.resize with INTER_NEAREST,
INTER_LINEAR, INTER_CUBIC, INTER_AREA) and prints, per filter, the largest absolute difference in gray levels and
the share of pixels that are equal, as a Markdown table.

    /usr/bin/python3 bench/compare/resize_parity.py [--work DIR] [--etab ./etab]

Needs Debian's python3-numpy, python3-pil and python3-opencv. Exits 1 when a difference exceeds one gray level.
"""
import argparse
import csv
import glob
import os
import subprocess
import sys
import zlib

import cv2
import numpy as np
import PIL
from PIL import Image

FILTERS = ["nearest", "bilinear", "bicubic", "area"]
PILLOW = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC, "area": Image.BOX}
OPENCV = {"nearest": cv2.INTER_NEAREST, "bilinear": cv2.INTER_LINEAR, "bicubic": cv2.INTER_CUBIC,
          "area": cv2.INTER_AREA}

# (label, dataset, --frame-size rows x columns, selection flags); sources: EchoNet and TMED-2 phantoms 112x112,
# CAMUS phantom _ED images about 200-280 pixels on a side
CASES = [
    ("echonet 112x112 -> 224x224 (grow)", "echonet", "224x224",
     ["--split", "all", "--video", "true", "--clip-length", "4", "--fps", "0", "--clip-start", "first"]),
    ("echonet 112x112 -> 72x40 (shrink)", "echonet", "72x40",
     ["--split", "all", "--video", "true", "--clip-length", "4", "--fps", "0", "--clip-start", "first"]),
    ("camus _ED -> 224x224 (mixed)", "camus", "224x224", ["--split", "all", "--video", "false", "--target", "LV_seg"]),
    ("camus _ED -> 96x64 (shrink)", "camus", "96x64", ["--split", "all", "--video", "false", "--target", "LV_seg"]),
    ("tmed 112x112 -> 160x136 (grow)", "tmed", "160x136", ["--limit", "6"]),
]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    return r.stdout


def synth(etab, work):
    roots = {}
    for dataset, flags in (("echonet", ["--videos", "4"]), ("camus", ["--patients", "3", "--release", "mhd"]),
                           ("tmed", [])):
        root = os.path.join(work, "phantom", dataset)
        if not os.path.isdir(root):
            run([etab, "synth", "--dataset", dataset, "--out", root, "--seed", "14"] + flags)
        roots[dataset] = root
    return roots


def echonet_frames(root, row):
    cap = cv2.VideoCapture(os.path.join(root, "Videos", row["source_id"] + ".avi"))
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        # the phantom is gray copied to RGB: B = G = R = the luma plane etab reads
        assert int(np.ptp(bgr.astype(int), axis=2).max()) == 0, "not a gray frame"
        frames.append(bgr[:, :, 0])
    return [frames[int(i)] for i in row["source_frames"].split()]


def read_mhd(path):
    """A MetaImage 2-D uint8 image: .raw or zlib .zraw beside the header, or LOCAL (data after the header)."""
    raw = open(path, "rb").read()
    header, end = {}, 0
    for line in raw.split(b"\n"):
        end += len(line) + 1
        key, _, value = line.decode("ascii").partition(" = ")
        header[key.strip()] = value.strip()
        if key.strip() == "ElementDataFile":
            break
    assert header["ElementType"] == "MET_UCHAR", path
    dims = [int(v) for v in header["DimSize"].split()]
    name = header["ElementDataFile"]
    data = raw[end:] if name == "LOCAL" else open(os.path.join(os.path.dirname(path), name), "rb").read()
    if header.get("CompressedData", "False") == "True":
        data = zlib.decompress(data)
    pixels = np.frombuffer(data, np.uint8)
    assert pixels.size == dims[0] * dims[1], path
    return pixels.reshape(dims[1], dims[0])  # rows = DimSize[1], columns = DimSize[0]


def camus_frames(root, row):
    (path,) = glob.glob(os.path.join(root, "*", row["source_id"].split("_")[0], row["source_id"] + "_ED.mhd"))
    return [read_mhd(path)]


def tmed_frames(root, row):
    (path,) = glob.glob(os.path.join(root, "*", "labeled", row["source_id"] + ".png"))
    return [np.asarray(Image.open(path).convert("L"))]


SOURCES = {"echonet": echonet_frames, "camus": camus_frames, "tmed": tmed_frames}


def compare(etab, work, roots, case, name, antialias):
    label, dataset, size, flags = case
    out = os.path.join(work, "export", f"{dataset}-{size}-{name}-{antialias}")
    run([etab, "export", "--dataset", dataset, "--root", roots[dataset], "--frame-size", size, "--dtype", "uint8",
         "--channels", "1", "--normalize", "false", "--resize", name, "--antialias", antialias, "--threads", "2",
         "--quiet", "--out", out] + flags)
    rows, cols = (int(v) for v in size.split("x"))
    worst, equal, total, frames = 0, 0, 0, 0
    for row in csv.DictReader(open(os.path.join(out, "manifest.csv"))):
        x = np.load(os.path.join(out, row["x"]))
        ours = x[0] if x.ndim == 4 else x  # [1, T, H, W] clip or [1, H, W] still
        for t, src in enumerate(SOURCES[dataset](roots[dataset], row)):
            if antialias == "true":
                ref = np.asarray(Image.fromarray(src).resize((cols, rows), PILLOW[name]))
            else:
                ref = cv2.resize(src, (cols, rows), interpolation=OPENCV[name])
            d = np.abs(ours[t].astype(int) - ref.astype(int))
            worst = max(worst, int(d.max()))
            equal += int((d == 0).sum())
            total += d.size
            frames += 1
    return worst, equal / total, frames


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--etab", default=os.path.join(here, "etab"))
    ap.add_argument("--work", default="/tmp/etab-resize-parity")
    a = ap.parse_args()
    roots = synth(a.etab, a.work)
    print(f"Pillow {PIL.__version__}, OpenCV {cv2.__version__}; cells: max |etab - reference| in gray levels "
          "(share of pixels equal), over every exported frame\n")
    print("| --resize | --antialias | reference | " + " | ".join(c[0] for c in CASES) + " |")
    print("| --- | --- | --- |" + " --- |" * len(CASES))
    failed = False
    for name in FILTERS:
        for antialias in ("true", "false"):
            ref = (f"Pillow {'BOX' if name == 'area' else name.upper()}" if antialias == "true"
                   else f"OpenCV INTER_{ {'bilinear': 'LINEAR', 'bicubic': 'CUBIC'}.get(name, name.upper())}")
            cells = []
            for case in CASES:
                worst, share, frames = compare(a.etab, a.work, roots, case, name, antialias)
                failed |= worst > 1
                cells.append(f"{worst} ({100 * share:.2f} %, {frames} frames)")
            print(f"| {name} | {antialias} | {ref} | " + " | ".join(cells) + " |", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
