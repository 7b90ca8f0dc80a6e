"""Writes the two OpenCV-written MJPEG AVIs AviIndexTest reads (run once; the files are committed).

EchoNet-Dynamic's videos were written with OpenCV's VideoWriter and fourcc MJPG; OpenCV has two AVI writers for
it: through FFmpeg (CAP_FFMPEG, the default where built with FFmpeg) and its own (CAP_OPENCV_MJPEG, which adds an
OpenDML 'odml'/'dmlh' header list). Written here with Debian 12's python3-opencv 4.6.0:

    python3 make_avis.py
"""
import cv2
import numpy as np


def frames(n, w, h):
    for i in range(n):
        img = np.full((h, w, 3), (17 * i) % 200 + 20, np.uint8)
        img[4:12, 2 + 2 * i:10 + 2 * i] = 250  # a bright square moving right
        yield img


for name, api in (("opencv-ffmpeg.avi", cv2.CAP_FFMPEG), ("opencv-mjpeg.avi", cv2.CAP_OPENCV_MJPEG)):
    out = cv2.VideoWriter(name, api, cv2.VideoWriter_fourcc(*"MJPG"), 50, (48, 32))
    assert out.isOpened(), name
    for img in frames(12, 48, 32):
        out.write(img)
    out.release()
