#!/usr/bin/python3
"""Reference-style loader for workload W2: segmentation frames (LV_seg, video=false), one annotated frame + mask.

The way the datasets' own PyTorch code and ETAB's Python code do it, one sample per __getitem__:

EchoNet-Dynamic (echonet-dynamic's `Echo` with target LargeFrame + LargeTrace, as ETAB uses it):
  - index: FileList.csv rows of the split; VolumeTracings.csv parsed line by line into per-video lists of traced
    frames (in file order) and their rows; videos with fewer than two traced frames are dropped;
  - the ED frame is the LAST traced frame of the video (echonet's "LargeIndex": it trusts the order);
  - cv2.VideoCapture.read() decodes the video from frame 0 up to and including the ED frame (echonet's
    loadvideo decodes the whole video; stopping at the ED frame is lighter than that), the ED frame BGR -> RGB;
  - the mask: chord rows of the ED tracing (the first row, the long axis, skipped), polygon
    x = X1[1:] ++ reverse(X2[1:]), y = Y1[1:] ++ reverse(Y2[1:]), np.rint, skimage.draw.polygon at the video's
    size (112x112).
CAMUS (ETAB's prepare_image): the `_ED` image and its `_ED_gt` label map of each patient and view; LV_seg =
  (gt == 1). 2023 release (NIfTI, .nii.gz): nibabel (Debian's python3-nibabel), transposed from nibabel's (W, H)
  to (H, W). Original release (MetaImage .mhd + .raw/.zraw/LOCAL): a minimal numpy reader below (Debian has no
  SimpleITK package; nibabel does not read MetaImage).
Both then, as ETAB does with torchvision: gray -> RGB PIL image, transforms.Resize((224, 224)) (PIL bilinear; PIL
antialiases when it shrinks), ToTensor (float32 in [0, 1]), Normalize(ImageNet mean, std); the mask as a PIL "L"
image resized with NEAREST to 224x224, uint8 0/1 (ETAB's own code resizes masks bilinear and thresholds; nearest
is what formats.md asks and what etab does). Output x float32 [3, 224, 224], y uint8 [224, 224];
DataLoader(batch_size, num_workers, shuffle=True).

Run with Debian's interpreter and packages (python3-opencv, python3-torch, python3-torchvision, python3-numpy,
python3-pil, python3-skimage, python3-nibabel):

    /usr/bin/python3 bench/compare/reference_w2.py --dataset echonet|camus --root DIR [--split train]
        [--epochs E] [--batch 20] [--workers 2] [--size 224] [--seed 42] [--persistent-workers]
    /usr/bin/python3 bench/compare/reference_w2.py --dataset D --root DIR --stages N   (steps timed, 1 process)

Prints one machine-readable line at the end:

    REFERENCE_W2 dataset=.. samples=.. seconds=.. samples_per_s=.. epochs=.. per_epoch=.. workers=.. persistent=..
        first_batch_s=.. frames_decoded=.. peak_rss_mb=.. workers_peak_rss_mb=.. tree_peak_rss_mb=.. tree_peak_pss_mb=..

seconds runs from the first iter(DataLoader) of the first epoch to the last batch of the last epoch (worker start-up
at every epoch included, as with the default persistent_workers=False, unless --persistent-workers; first_batch_s is the median over epochs of
the time from iter() to the first batch); the index is read before the clock starts, like etab bench. Memory as in
reference_loader.py (same sampler).
"""
import argparse
import collections
import csv
import math
import os
import resource
import statistics
import sys
import time
import zlib

import cv2
import numpy as np
import skimage.draw
import torch
import torch.utils.data
import torchvision.transforms as T
from PIL import Image

from reference_loader import seed_worker
from w1_common import TreeSampler

try:                      # imported here, before the DataLoader forks its workers, so that no worker imports it
    import nibabel
except ImportError:       # only the NIfTI release needs it
    nibabel = None

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _nolap(stage):
    pass


class frame_transform:
    """ETAB's image path: PIL RGB -> Resize (bilinear) -> ToTensor -> Normalize (T.Compose of the three)."""

    def __init__(self, size):
        self.resize = T.Resize((size, size))
        self.to_tensor = T.ToTensor()
        self.normalize = T.Normalize(IMAGENET_MEAN, IMAGENET_STD)

    def __call__(self, image, lap=_nolap):
        image = self.resize(image)
        lap("frame resize (PIL bilinear)")
        x = self.to_tensor(image)
        lap("ToTensor")
        x = self.normalize(x)
        lap("Normalize")
        return x


class mask_transform:
    """uint8 [H, W] 0/1 mask -> PIL "L" -> Resize NEAREST -> uint8 tensor [size, size]."""

    def __init__(self, size):
        self.resize = T.Resize((size, size), interpolation=T.InterpolationMode.NEAREST)

    def __call__(self, mask):
        return torch.from_numpy(np.array(self.resize(Image.fromarray(mask, mode="L")), dtype=np.uint8))


# --- EchoNet-Dynamic ---------------------------------------------------------------------------------------------

class EchoNetSeg(torch.utils.data.Dataset):
    def __init__(self, root, split, size):
        if not os.path.exists(os.path.join(root, "FileList.csv")) and os.path.isdir(os.path.join(root, "data")):
            root = os.path.join(root, "data")
        self.root = root
        names = []
        with open(os.path.join(root, "FileList.csv"), newline="") as f:
            for row in csv.DictReader(f):
                if split == "all" or row["Split"].upper() == split.upper():
                    name = row["FileName"]
                    names.append(name if name.lower().endswith(".avi") else name + ".avi")
        frames = collections.defaultdict(list)
        trace = collections.defaultdict(lambda: collections.defaultdict(list))
        with open(os.path.join(root, "VolumeTracings.csv")) as f:
            header = f.readline().strip().split(",")
            assert header == ["FileName", "X1", "Y1", "X2", "Y2", "Frame"], header
            for line in f:
                filename, x1, y1, x2, y2, frame = line.strip().split(",")
                frame = int(frame)
                if frame not in trace[filename]:
                    frames[filename].append(frame)
                trace[filename][frame].append((float(x1), float(y1), float(x2), float(y2)))
        # (file name, ED frame index, ED tracing rows); videos with < 2 traced frames are dropped, as echonet does
        self.items = [(n, frames[n][-1], np.array(trace[n][frames[n][-1]])) for n in names if len(frames[n]) >= 2]
        self.frame_tf = frame_transform(size)
        self.mask_tf = mask_transform(size)

    def __len__(self):
        return len(self.items)

    def ids(self):
        return [n[:-4] if n.lower().endswith(".avi") else n for n, _, _ in self.items]

    def frames_decoded(self):
        return sum(ed + 1 for _, ed, _ in self.items)

    def raw(self, index, lap=_nolap):
        """The ED frame (RGB uint8 [H, W, 3]) and its mask (uint8 [H, W]) at the video's size."""
        name, ed, t = self.items[index]
        capture = cv2.VideoCapture(os.path.join(self.root, "Videos", name))
        if not capture.isOpened():
            raise IOError("cannot open " + name)
        frame = None
        for n in range(ed + 1):                          # decode from the start up to the ED frame
            ok, frame = capture.read()
            if not ok:
                raise IOError("failed to read frame %d of %s" % (n, name))
        capture.release()
        lap("open + decode up to ED")
        frame = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        lap("BGR -> RGB")
        x = np.concatenate((t[1:, 0], np.flip(t[1:, 2])))
        y = np.concatenate((t[1:, 1], np.flip(t[1:, 3])))
        r, c = skimage.draw.polygon(np.rint(y).astype(int), np.rint(x).astype(int), frame.shape[:2])
        mask = np.zeros(frame.shape[:2], np.uint8)
        mask[r, c] = 1
        lap("mask rasterize (skimage)")
        return frame, mask

    def __getitem__(self, index, lap=_nolap):
        frame, mask = self.raw(index, lap)
        image = Image.fromarray(frame)
        lap("to PIL")
        x = self.frame_tf(image, lap)
        y = self.mask_tf(mask)
        lap("mask resize (PIL nearest)")
        return x, y


# --- CAMUS -------------------------------------------------------------------------------------------------------

METAIMAGE_TYPES = {"MET_UCHAR": np.uint8, "MET_CHAR": np.int8, "MET_USHORT": np.uint16, "MET_SHORT": np.int16,
                   "MET_UINT": np.uint32, "MET_INT": np.int32, "MET_FLOAT": np.float32, "MET_DOUBLE": np.float64}


def read_metaimage(path):
    """Minimal MetaImage reader: 2D/3D, .raw / .zraw (zlib) / LOCAL. Returns [H, W] (or [D, H, W])."""
    with open(path, "rb") as f:
        blob = f.read()
    header = {}
    pos = 0
    while pos < len(blob):
        end = blob.find(b"\n", pos)
        end = len(blob) if end < 0 else end
        key, _, value = blob[pos:end].decode("latin-1").partition("=")
        header[key.strip()] = value.strip()
        pos = end + 1
        if key.strip() == "ElementDataFile":
            break
    dims = [int(v) for v in header["DimSize"].split()]
    dtype = np.dtype(METAIMAGE_TYPES[header["ElementType"]])
    if header.get("BinaryDataByteOrderMSB", header.get("ElementByteOrderMSB", "False")).lower() == "true":
        dtype = dtype.newbyteorder(">")
    source = header["ElementDataFile"]
    if source == "LOCAL":
        data = blob[pos:]
    else:
        with open(os.path.join(os.path.dirname(path), source), "rb") as f:
            data = f.read()
    if header.get("CompressedData", "False").lower() == "true":
        data = zlib.decompress(data)
    count = int(np.prod(dims))
    return np.frombuffer(data, dtype, count).reshape(dims[::-1])


def read_image(path):
    if path.endswith(".mhd"):
        return read_metaimage(path)
    if nibabel is None:
        sys.exit("reading NIfTI needs Debian's python3-nibabel")
    return np.asanyarray(nibabel.load(path).dataobj).T   # nibabel gives (W, H[, D]); x is fastest on disk


class CamusSeg(torch.utils.data.Dataset):
    LABELS = {"LV_seg": 1, "MY_seg": 2, "LA_seg": 3}

    def __init__(self, root, split, size, target="LV_seg"):
        self.label = self.LABELS[target]
        self.items = []   # (id, ED image path, ED gt path)
        nifti = os.path.join(root, "database_nifti")
        if os.path.isdir(nifti):
            if split == "all":
                patients = sorted(os.listdir(nifti))
            else:
                group = {"train": "training", "val": "validation", "test": "testing"}[split.lower()]
                with open(os.path.join(root, "database_split", "subgroup_%s.txt" % group)) as f:
                    patients = [line.strip() for line in f if line.strip()]
            folder, ext = (lambda p: os.path.join(nifti, p)), ".nii.gz"
        else:
            top = {"train": ["training"], "test": ["testing"], "all": ["training", "testing"]}[split.lower()]
            patients = [os.path.join(t, p) for t in top for p in sorted(os.listdir(os.path.join(root, t)))]
            folder, ext = (lambda p: os.path.join(root, p)), ".mhd"
        for p in patients:
            pid = os.path.basename(p)
            for view in ("2CH", "4CH"):
                base = os.path.join(folder(p), "%s_%s_ED" % (pid, view))
                if os.path.exists(base + "_gt" + ext):
                    self.items.append(("%s_%s" % (pid, view), base + ext, base + "_gt" + ext))
        self.frame_tf = frame_transform(size)
        self.mask_tf = mask_transform(size)

    def __len__(self):
        return len(self.items)

    def ids(self):
        return [i for i, _, _ in self.items]

    def frames_decoded(self):
        return len(self.items)

    def raw(self, index, lap=_nolap):
        _, image, gt = self.items[index]
        frame = read_image(image)
        lap("read ED image")
        mask = (read_image(gt) == self.label).astype(np.uint8)
        lap("read ED gt + label == 1")
        return frame, mask

    def __getitem__(self, index, lap=_nolap):
        frame, mask = self.raw(index, lap)
        image = Image.fromarray(frame, mode="L").convert("RGB")
        lap("to PIL, gray -> RGB")
        x = self.frame_tf(image, lap)
        y = self.mask_tf(mask)
        lap("mask resize (PIL nearest)")
        return x, y


def make_dataset(name, root, split, size):
    return EchoNetSeg(root, split, size) if name == "echonet" else CamusSeg(root, split, size)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dataset", required=True, choices=["echonet", "camus"])
    p.add_argument("--root", required=True)
    p.add_argument("--split", default="train")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--persistent-workers", action="store_true",
                   help="DataLoader(persistent_workers=True): workers start once, not at every epoch")
    p.add_argument("--stages", type=int, default=0, metavar="N",
                   help="instead of the DataLoader run: time each step of N samples in this one process")
    a = p.parse_args()

    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    dataset = make_dataset(a.dataset, a.root, a.split, a.size)
    if len(dataset) == 0:
        sys.exit("no samples in split %s under %s" % (a.split, a.root))
    if a.stages:
        return stages(dataset, a.stages, a.batch, a.dataset)
    loader = torch.utils.data.DataLoader(dataset, batch_size=a.batch, num_workers=a.workers, shuffle=True,
                                         worker_init_fn=seed_worker, persistent_workers=a.persistent_workers)

    sampler = TreeSampler()
    sampler.start()
    samples = 0
    checksum = 0.0
    first = []
    start = time.perf_counter()
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        for i, (x, y) in enumerate(loader):
            if i == 0:
                first.append(time.perf_counter() - t0)
            assert x.shape[1:] == (3, a.size, a.size) and x.dtype == torch.float32, (x.shape, x.dtype)
            assert y.shape[1:] == (a.size, a.size) and y.dtype == torch.uint8, (y.shape, y.dtype)
            checksum += float(x[0, 0, 0, 0]) + float(y[0].sum())   # touch the batch
            samples += x.shape[0]
    seconds = time.perf_counter() - start
    sampler.stopped.set()
    sampler.join()
    if math.isnan(checksum):
        sys.exit("NaN in a batch")

    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("REFERENCE_W2 dataset=%s samples=%d seconds=%.3f samples_per_s=%.1f epochs=%d per_epoch=%d workers=%d "
          "persistent=%d first_batch_s=%.3f frames_decoded=%d peak_rss_mb=%d workers_peak_rss_mb=%d tree_peak_rss_mb=%d "
          "tree_peak_pss_mb=%d"
          % (a.dataset, samples, seconds, samples / seconds, a.epochs, len(dataset), a.workers, a.persistent_workers,
             statistics.median(first), dataset.frames_decoded() * a.epochs, self_kb // 1024, children_kb // 1024,
             sampler.peak_rss_kb // 1024, sampler.peak_pss_kb // 1024), flush=True)


def stages(dataset, n, batch, name):
    """The steps of __getitem__ (and the DataLoader's collate), timed one by one in ONE process, torch on one thread
    as in a DataLoader worker; a first pass over min(n, len) samples warms the caches and is not counted."""
    torch.set_num_threads(1)
    totals = collections.OrderedDict()
    clock = [0.0]

    def lap(stage):
        now = time.perf_counter()
        totals[stage] = totals.get(stage, 0.0) + now - clock[0]
        clock[0] = now

    for i in range(min(n, len(dataset))):
        dataset[i]
    totals.clear()
    items = []
    for i in range(n):
        clock[0] = time.perf_counter()
        items.append(dataset.__getitem__(i % len(dataset), lap))
        if len(items) == batch:
            clock[0] = time.perf_counter()
            torch.utils.data.default_collate(items)
            lap("collate (batch of %d)" % batch)
            items = []
    total = sum(totals.values())
    print("STAGES dataset=%s samples=%d per_sample_ms=%.3f (1 process, no DataLoader)" % (name, n, 1e3 * total / n))
    for stage, t in totals.items():
        print("  %-28s %7.3f ms  %5.1f %%" % (stage, 1e3 * t / n, 100 * t / total))


if __name__ == "__main__":
    main()
