#!/usr/bin/python3
"""What bench/compare's two Python W1 loaders share (standard library only, so that pyav_loader.py --verify needs
neither torch nor OpenCV): the index rows, the command line, and the timing loop with its memory sampler, so that
both are measured the same way."""
import argparse
import csv
import math
import os
import sys
import threading
import time


def w1_items(root, split):
    """FileList.csv's rows of the split (or all): (file name with .avi, FPS, EF), in file order."""
    items = []
    with open(os.path.join(root, "FileList.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if split == "all" or row["Split"].upper() == split.upper():
                name = row["FileName"]
                if not name.lower().endswith(".avi"):
                    name += ".avi"
                items.append((name, float(row["FPS"]), float(row["EF"])))
    return items


def w1_arguments(description):
    """The command line both W1 loaders take (pyav_loader.py adds its own)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--root", required=True)
    p.add_argument("--split", default="train")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--clip-length", type=int, default=32)
    p.add_argument("--fps", type=float, default=25)
    p.add_argument("--seed", type=int, default=42)
    return p


def timed_epochs(loader, epochs, clip_length):
    """Takes every batch of `epochs` epochs, touching each: (clips, seconds, the TreeSampler that watched)."""
    sampler = TreeSampler()
    sampler.start()
    clips = 0
    checksum = 0.0
    start = time.perf_counter()
    for _ in range(epochs):
        for x, y in loader:
            assert x.dim() == 5 and x.shape[1:3] == (3, clip_length), x.shape
            checksum += float(x[0, 0, 0, 0, 0]) + float(y[0, 0])   # touch the batch
            clips += x.shape[0]
    seconds = time.perf_counter() - start
    sampler.stopped.set()
    sampler.join()
    if math.isnan(checksum):
        sys.exit("NaN in a batch")
    return clips, seconds, sampler


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
