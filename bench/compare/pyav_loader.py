#!/usr/bin/python3
"""A tuned Python loader for workload W1: what a Python engineer who knows FFmpeg would write.

Unlike reference_loader.py (the EchoNet-Dynamic way, which decodes and normalizes whole videos), this one does
in Python what etab does: demux the AVI with PyAV (FFmpeg), decode ONLY the packets of the clip's frames (an
intra-only codec such as MJPEG decodes each packet alone; other codecs are decoded from the start up to the last
frame needed), take the luma plane of full-range YUV as the gray image without a colour conversion (other pixel
formats through FFmpeg's conversion to gray), and write the ImageNet-normalized RGB clip with one 256-entry
lookup table per channel straight into the batch, which each worker assembles whole in shared memory (as
DataLoader's own collate allocates it), so that nothing is copied after the lookup. Clip positions as the
reference and etab: position i takes source frame start + floor(i * file_fps / fps), random start, zero frames
appended when a video is too short. Batches x: float32 [B, 3, T, H, W], y: EF float32 [B, 1], from
torch.utils.data.DataLoader(batch_size=None, sampler=BatchSampler(RandomSampler, batch), num_workers,
persistent_workers=True), one torch thread per worker. (The first form of this loader returned single clips for
DataLoader's collate to stack: about 20 % slower, docs/benchmarks.md.)

Run with Debian's interpreter and packages (python3-av, python3-numpy; python3-torch except for --verify):

    /usr/bin/python3 bench/compare/pyav_loader.py --root DIR [--split train] [--epochs E] [--batch 20]
        [--workers 2] [--clip-length 32] [--fps 25] [--seed 42]
    /usr/bin/python3 bench/compare/pyav_loader.py --root DIR --verify EXPORT_DIR [--clip-length 32] [--fps 25]

The first prints one machine-readable line at the end, measured by the reference's own loop (w1_common.py): seconds from the first iter(DataLoader) to the last batch of the last epoch, the
index read before; peak RSS of the main process, and the largest sums of RSS and PSS over the main process and its
live workers, sampled from /proc every 20 ms:

    PYAV clips=.. seconds=.. clips_per_s=.. workers=.. peak_rss_mb=.. tree_peak_rss_mb=.. tree_peak_pss_mb=..

--verify compares this loader's clip with each `.x.npy` of an `etab export --layout cthw` directory (float32, 3
channels, native frame size), from the start its manifest.csv gives (the first of `source_frames`), and prints
`VERIFY clips=.. max_abs_diff=..`, exit status 1 unless it is 0 (both loaders compute the same values).
"""
import csv
import os
import resource
import sys

import av
import numpy as np

from w1_common import timed_epochs, w1_arguments, w1_items

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
# the same float32 steps as the reference: /255, minus the mean, over the std
LUT = ((np.arange(256, dtype=np.float32)[None, :] / np.float32(255.0)) - MEAN[:, None]) / STD[:, None]
FULL_RANGE_YUV = {"yuvj420p", "yuvj422p", "yuvj444p", "yuvj440p", "gray"}


def gray_of(frame):
    """The frame as uint8 [H, W]: the luma plane itself where it is the gray image, else FFmpeg's conversion."""
    if frame.format.name in FULL_RANGE_YUV:
        plane = frame.planes[0]
        rows = np.frombuffer(plane, np.uint8).reshape(frame.height, plane.line_size)
        return rows[:, :frame.width]
    return frame.to_ndarray(format="gray")


INTRA_ONLY = {"mjpeg", "rawvideo"}   # every packet a picture of its own: decode only those of the clip


def decode_clip(path, file_fps, clip_length, fps, rng, start=None):
    """The clip's gray frames, uint8 [H, W] each, from `start`, else a random start (rng None: 0); fewer than
    clip_length when the video ends first. An intra-only video whose header gives its frame count is read from the
    clip's first packet (a seek through the AVI index) to its last; any other from its first packet."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "NONE"          # one decoder thread per worker, as etab's one per decode thread
        codec = stream.codec_context
        step = file_fps / fps if fps > 0 else 1.0
        offsets = np.floor(np.arange(clip_length) * step + 1e-9).astype(np.int64)
        span = int(offsets[-1]) + 1
        seekable = codec.name in INTRA_ONLY and stream.frames > 0
        packets = None if seekable else [p for p in container.demux(stream) if p.size > 0]
        count = stream.frames if seekable else len(packets)
        if start is None:
            start = int(rng.integers(count - span + 1)) if rng is not None and count >= span else 0
        wanted = [int(start + o) for o in offsets if start + o < count]
        gray = {}
        if seekable:
            needed = set(wanted)
            if start > 0:
                container.seek(start, stream=stream)   # in the stream's time base: AVI's pts is the frame number
            for packet in container.demux(stream):
                if packet.size == 0 or packet.pts is None:
                    continue
                if packet.pts in needed:
                    gray[packet.pts] = gray_of(codec.decode(packet)[0])
                if packet.pts >= wanted[-1]:
                    break
        elif all(p.is_keyframe for p in packets):
            for k in dict.fromkeys(wanted):
                frames = codec.decode(packets[k]) or codec.decode(None)   # no delay in intra-only decoders; flush
                gray[k] = gray_of(frames[0])
        else:
            needed = set(wanted)
            for k, frame in enumerate(_decode_all(codec, packets)):
                if k in needed:
                    gray[k] = gray_of(frame)
                if k >= wanted[-1]:
                    break
        return [gray[k] for k in wanted]


def write_clip(out, frames):
    """The normalized RGB clip into out, float32 [3, T, H, W]: one table lookup per channel and frame (the fastest
    of the numpy forms tried, docs/benchmarks.md); frames past the video's end 0, as the reference's."""
    for t, g in enumerate(frames):
        for c in range(3):
            LUT[c].take(g, out=out[c, t], mode="clip")
    out[:, len(frames):] = 0


def read_clip(path, file_fps, clip_length, fps, rng, start=None):
    """One clip as float32 [3, T, H, W] (for --verify)."""
    frames = decode_clip(path, file_fps, clip_length, fps, rng, start)
    out = np.empty((3, clip_length) + frames[0].shape, np.float32)
    write_clip(out, frames)
    return out


def _decode_all(codec, packets):
    for p in packets:
        yield from codec.decode(p)
    yield from codec.decode(None)


class EchoBatches:
    """A map-style dataset whose items are whole batches: DataLoader's BatchSampler hands __getitem__ a list of
    indices. Needs only __len__ and __getitem__, so that --verify runs without torch."""

    def __init__(self, root, split, clip_length, fps):
        self.root = root
        self.clip_length = clip_length
        self.fps = fps
        self.items = w1_items(root, split)
        self.rng = None

    def __len__(self):
        return len(self.items)

    def __getitem__(self, indices):
        import torch
        x = None
        y = np.empty((len(indices), 1), np.float32)
        for b, index in enumerate(indices):
            name, file_fps, ef = self.items[index]
            path = os.path.join(self.root, "Videos", name)
            frames = decode_clip(path, file_fps, self.clip_length, self.fps, self.rng)
            if x is None:   # shared memory, as DataLoader's collate makes it: the main process maps it, no copy
                shape = (len(indices), 3, self.clip_length) + frames[0].shape
                storage = torch.empty(0).storage()._new_shared(int(np.prod(shape)))
                x = torch.empty(0).new(storage).resize_(*shape)
                xs = x.numpy()
            elif frames[0].shape != xs.shape[3:]:
                raise ValueError("%s: %s frames in a batch of %s" % (path, frames[0].shape, xs.shape[3:]))
            write_clip(xs[b], frames)
            y[b, 0] = ef
        return x, torch.from_numpy(y)


def init_worker(worker_id):
    import torch
    torch.set_num_threads(1)
    info = torch.utils.data.get_worker_info()
    info.dataset.rng = np.random.default_rng(torch.initial_seed() % 2 ** 32)


def verify(a):
    dataset = EchoBatches(a.root, "all", a.clip_length, a.fps)
    by_id = {os.path.splitext(n)[0]: (n, fps) for n, fps, _ in dataset.items}
    worst = 0.0
    count = 0
    with open(os.path.join(a.verify, "manifest.csv"), newline="") as f:
        for row in csv.DictReader(f):
            name, file_fps = by_id[row["source_id"]]
            start = int(row["source_frames"].split()[0])   # the clip's start, whichever --clip-start chose it
            theirs = np.load(os.path.join(a.verify, row["x"]))
            ours = read_clip(os.path.join(a.root, "Videos", name), file_fps, a.clip_length, a.fps, None, start)
            if theirs.shape != ours.shape:
                sys.exit("%s: etab's shape %s, ours %s" % (row["id"], theirs.shape, ours.shape))
            worst = max(worst, float(np.max(np.abs(theirs - ours))))
            count += 1
    if count == 0:
        sys.exit("no clips in " + a.verify)
    print("VERIFY clips=%d max_abs_diff=%g" % (count, worst), flush=True)
    if worst > 0:
        sys.exit("pyav_loader.py --verify: the clips differ from etab's export in %s" % a.verify)


def main():
    p = w1_arguments(__doc__.split("\n")[0])
    p.add_argument("--verify", metavar="EXPORT_DIR")
    a = p.parse_args()
    if a.verify:
        verify(a)
        return
    import torch
    import torch.utils.data

    torch.manual_seed(a.seed)
    dataset = EchoBatches(a.root, a.split, a.clip_length, a.fps)
    if len(dataset) == 0:
        sys.exit("no videos in split %s under %s" % (a.split, a.root))
    if a.workers == 0:
        dataset.rng = np.random.default_rng(a.seed)
    batches = torch.utils.data.BatchSampler(torch.utils.data.RandomSampler(dataset), a.batch, drop_last=False)
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, sampler=batches, num_workers=a.workers,
                                         worker_init_fn=init_worker if a.workers else None,
                                         persistent_workers=a.workers > 0)
    clips, seconds, sampler = timed_epochs(loader, a.epochs, a.clip_length)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("PYAV clips=%d seconds=%.3f clips_per_s=%.1f workers=%d peak_rss_mb=%d tree_peak_rss_mb=%d "
          "tree_peak_pss_mb=%d" % (clips, seconds, clips / seconds, a.workers, self_kb // 1024,
                                   sampler.peak_rss_kb // 1024, sampler.peak_pss_kb // 1024), flush=True)


if __name__ == "__main__":
    main()
