"""Per-stage cost of pyav_loader.py's work in one process (no DataLoader), W1 TRAIN videos, 3 passes."""
import os, sys, time, csv
import numpy as np, av
sys.path.insert(0, sys.argv[2])
import pyav_loader as L
root = sys.argv[1]
items = []
for r in csv.DictReader(open(os.path.join(root, "FileList.csv"))):
    if r["Split"].upper() == "TRAIN":
        items.append((os.path.join(root, "Videos", r["FileName"] + ".avi"), float(r["FPS"])))
rng = np.random.default_rng(1)
t = {"open+demux": 0.0, "decode 32 packets": 0.0, "gray + lookup into the clip": 0.0}
n = 0
for _ in range(3):
    for path, fps in items:
        a = time.perf_counter()
        c = av.open(path); s = c.streams.video[0]; s.thread_type = "NONE"
        packets = [p for p in c.demux(s) if p.size > 0]
        b = time.perf_counter()
        offsets = np.floor(np.arange(32) * (fps / 25) + 1e-9).astype(np.int64)
        start = rng.integers(len(packets) - int(offsets[-1]))
        frames = [s.codec_context.decode(packets[int(start + o)])[0] for o in offsets]
        d = time.perf_counter()
        clip = np.zeros((3, 32, 112, 112), np.float32)
        for i, f in enumerate(frames):
            clip[:, i] = L.LUT.take(L.gray_of(f), axis=1)
        e = time.perf_counter()
        c.close()
        t["open+demux"] += b - a; t["decode 32 packets"] += d - b; t["gray + lookup into the clip"] += e - d
        n += 1
import torch
batch = [torch.from_numpy(np.zeros((3, 32, 112, 112), np.float32)) for _ in range(20)]
a = time.perf_counter()
for _ in range(20):
    torch.stack(batch)
collate = (time.perf_counter() - a) / 20 / 20
for k, v in t.items():
    print("%-28s %.3f ms per clip" % (k, 1000 * v / n))
print("%-28s %.3f ms per clip (torch.stack of 20, in the main process's memory)" % ("collate", 1000 * collate))
print("clips", n)
