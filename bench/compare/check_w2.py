#!/usr/bin/python3
"""Checks that reference_w2.py and etab do the same work per W2 sample: same frame, same mask, same shapes.

    ./etab export --dataset D --root ROOT --split train --target LV_seg --video false --frame-size 224x224 \
        --shuffle false --limit N --out EXPORT
    /usr/bin/python3 bench/compare/check_w2.py --dataset D --root ROOT --export EXPORT

For every sample in EXPORT/manifest.csv it loads the reference's sample (same id) and compares, in normalized
units (1/255 of a gray level = 0.017-0.0175 after ImageNet normalization):
  ref      the reference as timed: PIL bilinear (antialiased when shrinking) on uint8, PIL nearest for the mask;
  samefilt the reference's frame and mask (same file, same frame, same rasterization) resized with etab's rules
           instead: OpenCV INTER_LINEAR on float32 for the frame, and for the mask nearest with source index
           floor(dst * src / dst_size) in exact integer arithmetic (etab's NearestResize, OpenCV's INTER_NEAREST
           formula); if this matches to float rounding, the two loaders read the same pixels and differ only in
           the resize filters;
  cv2 nn   the mask resized by cv2.resize(INTER_NEAREST) itself: OpenCV computes the same formula with a
           floating-point scale, which picks the row or column before at the exact multiples (e.g. 244 -> 224:
           output rows 56, 112, 168 take source rows 60, 121, 182 instead of 61, 122, 183);
  other    (EchoNet) the same with the frame BEFORE the ED frame, to show the check can tell frames apart.
"""
import argparse
import csv
import os
import sys

import cv2
import numpy as np

from reference_w2 import IMAGENET_MEAN, IMAGENET_STD, make_dataset

MEAN = np.array(IMAGENET_MEAN, np.float32).reshape(3, 1, 1)
STD = np.array(IMAGENET_STD, np.float32).reshape(3, 1, 1)


def etab_style(frame_rgb, mask, size):
    f = cv2.resize(frame_rgb.astype(np.float32), (size, size), interpolation=cv2.INTER_LINEAR)
    x = (f.transpose(2, 0, 1) / 255.0 - MEAN) / STD
    h, w = mask.shape
    y = mask[(np.arange(size) * h) // size][:, (np.arange(size) * w) // size]
    return x.astype(np.float32), y


def stats(a, b):
    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    return d.max(), d.mean()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dataset", required=True, choices=["echonet", "camus"])
    p.add_argument("--root", required=True)
    p.add_argument("--export", required=True)
    p.add_argument("--split", default="train")
    p.add_argument("--size", type=int, default=224)
    a = p.parse_args()
    ds = make_dataset(a.dataset, a.root, a.split, a.size)
    index = {i: n for n, i in enumerate(ds.ids())}
    rows = list(csv.DictReader(open(os.path.join(a.export, "manifest.csv"))))
    bad = 0
    print("| id | source size | source_frames (etab manifest) | x shapes | ref: max / mean abs diff of x | ref: mask pixels that differ "
          "| samefilt: max abs diff of x | samefilt: mask pixels that differ | cv2 nn: mask pixels that differ "
          "| other frame: max / mean abs diff of x |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        ex = np.load(os.path.join(a.export, r["x"]))
        ey = np.load(os.path.join(a.export, r["y"]))
        i = index[r["id"]]
        rx, ry = ds[i]
        rx, ry = rx.numpy(), ry.numpy()
        frame, mask = ds.raw(i)
        rgb = frame if frame.ndim == 3 else np.repeat(frame[:, :, None], 3, axis=2)
        sx, sy = etab_style(rgb, mask, a.size)
        if rx.shape != ex.shape or ry.shape != ey.shape or rx.dtype != ex.dtype or ry.dtype != ey.dtype:
            print("shape/dtype mismatch for %s: ref %s %s %s %s, etab %s %s %s %s" % (
                r["id"], rx.shape, rx.dtype, ry.shape, ry.dtype, ex.shape, ex.dtype, ey.shape, ey.dtype))
            bad += 1
        other = "-"
        if a.dataset == "echonet":
            name, ed, _ = ds.items[i]
            if int(r["source_frames"]) != ed:
                print("ED frame differs for %s: etab %s, reference %d" % (r["id"], r["source_frames"], ed))
                bad += 1
            if ed > 0:   # the frame before ED, same pipeline
                cap = cv2.VideoCapture(os.path.join(ds.root, "Videos", name))
                for _ in range(ed):
                    ok, prev = cap.read()
                cap.release()
                ox, _ = etab_style(cv2.cvtColor(prev, cv2.COLOR_BGR2RGB), mask, a.size)
                other = "%.3f / %.4f" % stats(ox, ex)
        rmax, rmean = stats(rx, ex)
        smax, _ = stats(sx, ex)
        cy = cv2.resize(mask, (a.size, a.size), interpolation=cv2.INTER_NEAREST)
        print("| %s | %dx%d | %s | %s | %.4f / %.5f | %d of %d | %.2g | %d | %d | %s |" % (
            r["id"], frame.shape[1], frame.shape[0], r["source_frames"], "x".join(map(str, ex.shape)), rmax, rmean,
            int((ry != ey).sum()), ey.size, smax, int((sy != ey).sum()), int((cy != ey).sum()), other))
        if smax > 1e-4 or (sy != ey).any():
            bad += 1
    print("\n%d of %d samples: samefilt differs from etab beyond float rounding" % (bad, len(rows)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
