#!/usr/bin/python3
"""Reference-style loader for workload W1, the way the EchoNet-Dynamic PyTorch code does it.

For each item: decode the WHOLE video with OpenCV (cv2.VideoCapture, BGR -> RGB), convert all of it to
float32, scale to [0, 1] and ImageNet-normalize all of it, then cut a 32-frame clip at 25 fps from a random
start (clip position i takes source frame start + floor(i * file_fps / 25): every 2nd frame at 50 fps),
padding videos that are too short with zero frames (as echonet.datasets.Echo does: the padding is appended
after normalization, so padded frames are 0, not normalized black). Output x: float32 [3, 32, 112, 112],
y: EF float32. Batches come from torch.utils.data.DataLoader(batch_size, num_workers, shuffle=True).

Run with Debian's interpreter and packages (python3-opencv, python3-torch, python3-numpy):

    /usr/bin/python3 bench/compare/reference_loader.py --root DIR [--split train] [--epochs E]
        [--batch 20] [--workers 2] [--clip-length 32] [--fps 25] [--seed 42]

Prints one machine-readable line at the end:

    REFERENCE clips=.. seconds=.. clips_per_s=.. frames_decoded=.. decoded_frames_per_s=.. workers=..
        peak_rss_mb=.. workers_peak_rss_mb=.. tree_peak_rss_mb=.. tree_peak_pss_mb=..

seconds runs from the first iter(DataLoader) of the first epoch to the last batch of the last epoch (worker
start-up at every epoch included, as in a training loop with the default persistent_workers=False); the
dataset index (FileList.csv) is read before the clock starts, like etab bench. Memory: peak_rss_mb is the
main process's own peak (getrusage RUSAGE_SELF), workers_peak_rss_mb the largest peak of any worker
(RUSAGE_CHILDREN: a max, not a sum), tree_peak_* the largest sum over main + live workers, sampled every
20 ms from /proc (RSS counts the shared torch/OpenCV libraries once per process; PSS splits them).
"""
import argparse
import csv
import math
import os
import resource
import sys
import threading
import time

import cv2
import numpy as np
import torch
import torch.utils.data

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32).reshape(3, 1, 1, 1)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32).reshape(3, 1, 1, 1)


def loadvideo(path):
    """echonet.utils.loadvideo: every frame, uint8 [3, F, H, W], RGB."""
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise IOError("cannot open " + path)
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    video = np.zeros((count, height, width, 3), np.uint8)
    n = 0
    for n in range(count):
        ok, frame = capture.read()
        if not ok:
            raise IOError("failed to read frame %d of %s" % (n, path))
        video[n] = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    capture.release()
    return video.transpose((3, 0, 1, 2))


class EchoClips(torch.utils.data.Dataset):
    def __init__(self, root, split, clip_length, fps):
        self.root = root
        self.clip_length = clip_length
        self.fps = fps
        self.items = []
        with open(os.path.join(root, "FileList.csv"), newline="") as f:
            for row in csv.DictReader(f):
                if split == "all" or row["Split"].upper() == split.upper():
                    name = row["FileName"]
                    if not name.lower().endswith(".avi"):
                        name += ".avi"
                    self.items.append((name, float(row["FPS"]), float(row["EF"])))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        name, file_fps, ef = self.items[index]
        video = loadvideo(os.path.join(self.root, "Videos", name)).astype(np.float32)
        video /= 255.0                       # whole video to [0, 1] ...
        video -= MEAN                        # ... and normalized, every frame
        video /= STD
        c, f, h, w = video.shape
        step = file_fps / self.fps if self.fps > 0 else 1.0
        offsets = np.floor(np.arange(self.clip_length) * step + 1e-9).astype(np.int64)
        span = int(offsets[-1]) + 1
        if f < span:                         # pad with zero frames, as echonet.datasets.Echo
            video = np.concatenate((video, np.zeros((c, span - f, h, w), video.dtype)), axis=1)
            f = span
        start = np.random.randint(f - span + 1)
        clip = video[:, start + offsets, :, :]
        return torch.from_numpy(np.ascontiguousarray(clip)), torch.tensor([ef], dtype=torch.float32)


class TreeSampler(threading.Thread):
    """Largest sum of RSS and PSS over this process and its children, sampled from /proc."""

    def __init__(self, interval=0.02):
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.stopped = threading.Event()

    @staticmethod
    def _pids():
        me = os.getpid()
        pids = [me]
        try:
            with open("/proc/%d/task/%d/children" % (me, me)) as f:
                pids += [int(p) for p in f.read().split()]
        except OSError:
            pass
        return pids

    @staticmethod
    def _rollup(pid):
        rss = pss = 0
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss = int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss = int(line.split()[1])
        except OSError:
            pass
        return rss, pss

    def run(self):
        while not self.stopped.is_set():
            rss = pss = 0
            for pid in self._pids():
                r, p = self._rollup(pid)
                rss += r
                pss += p
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.stopped.wait(self.interval)


def seed_worker(worker_id):
    seed = torch.initial_seed() % 2 ** 32
    np.random.seed(seed)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", required=True)
    p.add_argument("--split", default="train")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--clip-length", type=int, default=32)
    p.add_argument("--fps", type=float, default=25)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()

    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    dataset = EchoClips(a.root, a.split, a.clip_length, a.fps)
    if len(dataset) == 0:
        sys.exit("no videos in split %s under %s" % (a.split, a.root))
    loader = torch.utils.data.DataLoader(dataset, batch_size=a.batch, num_workers=a.workers, shuffle=True,
                                         worker_init_fn=seed_worker)
    frames = sum(_frame_count(os.path.join(a.root, "Videos", n)) for n, _, _ in dataset.items)

    sampler = TreeSampler()
    sampler.start()
    clips = 0
    checksum = 0.0
    start = time.perf_counter()
    for _ in range(a.epochs):
        for x, y in loader:
            assert x.dim() == 5 and x.shape[1:3] == (3, a.clip_length), x.shape
            checksum += float(x[0, 0, 0, 0, 0]) + float(y[0, 0])   # touch the batch
            clips += x.shape[0]
    seconds = time.perf_counter() - start
    sampler.stopped.set()
    sampler.join()
    if math.isnan(checksum):
        sys.exit("NaN in a batch")

    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    decoded = frames * a.epochs
    print("REFERENCE clips=%d seconds=%.3f clips_per_s=%.1f frames_decoded=%d decoded_frames_per_s=%.1f "
          "workers=%d peak_rss_mb=%d workers_peak_rss_mb=%d tree_peak_rss_mb=%d tree_peak_pss_mb=%d"
          % (clips, seconds, clips / seconds, decoded, decoded / seconds, a.workers, self_kb // 1024,
             children_kb // 1024, sampler.peak_rss_kb // 1024, sampler.peak_pss_kb // 1024), flush=True)


def _frame_count(path):
    capture = cv2.VideoCapture(path)
    n = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    capture.release()
    return n


if __name__ == "__main__":
    main()
