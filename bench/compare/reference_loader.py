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
import os
import resource
import sys

import cv2
import numpy as np
import torch
import torch.utils.data

from w1_common import timed_epochs, w1_arguments, w1_items

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
        self.items = w1_items(root, split)

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


def seed_worker(worker_id):
    seed = torch.initial_seed() % 2 ** 32
    np.random.seed(seed)


def main():
    a = w1_arguments(__doc__.split("\n")[0]).parse_args()

    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    dataset = EchoClips(a.root, a.split, a.clip_length, a.fps)
    if len(dataset) == 0:
        sys.exit("no videos in split %s under %s" % (a.split, a.root))
    loader = torch.utils.data.DataLoader(dataset, batch_size=a.batch, num_workers=a.workers, shuffle=True,
                                         worker_init_fn=seed_worker)
    frames = sum(_frame_count(os.path.join(a.root, "Videos", n)) for n, _, _ in dataset.items)

    clips, seconds, sampler = timed_epochs(loader, a.epochs, a.clip_length)
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
