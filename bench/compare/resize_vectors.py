#!/usr/bin/python3
"""Writes the resize test vectors of loader's ResizeKernelTest: small gray frames resized by Pillow
(Image.resize: NEAREST, BILINEAR, BICUBIC, BOX) and OpenCV (cv2.resize: INTER_NEAREST, INTER_LINEAR, INTER_CUBIC,
INTER_AREA), shrinking, growing and mixed. Run once with Debian's python3-pil and python3-opencv and commit the
output; the test reads it (nothing here runs during the build).

    /usr/bin/python3 bench/compare/resize_vectors.py > loader/src/test/resources/org/etab/transform/resize-vectors.txt

Format: a comment line with the library versions, then per case
    case <filter> <antialias true|false> <sw> <sh> <dw> <dh>
    src <sw*sh gray levels, row-major>
    out <dw*dh gray levels>
antialias true = Pillow's filter of that name (area = BOX), false = OpenCV's.
"""
import cv2
import numpy as np
import PIL
from PIL import Image

PILLOW = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC, "area": Image.BOX}
OPENCV = {"nearest": cv2.INTER_NEAREST, "bilinear": cv2.INTER_LINEAR, "bicubic": cv2.INTER_CUBIC,
          "area": cv2.INTER_AREA}
SIZES = [(4, 4, 2, 2), (2, 2, 5, 5), (7, 5, 3, 11), (13, 9, 7, 17), (40, 30, 11, 23), (9, 31, 20, 8),
         (30, 40, 12, 10), (6, 6, 18, 18)]


def frames(sw, sh, rng):
    """Noise (the hardest case for overshoot and clipping) and a smooth ramp (the usual case)."""
    noise = rng.integers(0, 256, (sh, sw), dtype=np.uint8)
    y, x = np.mgrid[0:sh, 0:sw]
    ramp = np.clip(np.rint(255 * (x + 2 * y) / max(1, sw + 2 * sh - 3)), 0, 255).astype(np.uint8)
    return [noise, ramp]


def main():
    rng = np.random.default_rng(14)
    print(f"# Pillow {PIL.__version__}, OpenCV {cv2.__version__}, numpy {np.__version__}; "
          "bench/compare/resize_vectors.py")
    for sw, sh, dw, dh in SIZES:
        for src in frames(sw, sh, rng):
            for name in PILLOW:
                pil = np.asarray(Image.fromarray(src).resize((dw, dh), PILLOW[name]))
                ocv = cv2.resize(src, (dw, dh), interpolation=OPENCV[name])
                for antialias, out in (("true", pil), ("false", ocv)):
                    print(f"case {name} {antialias} {sw} {sh} {dw} {dh}")
                    print("src " + " ".join(map(str, src.ravel())))
                    print("out " + " ".join(map(str, out.ravel())))


if __name__ == "__main__":
    main()
