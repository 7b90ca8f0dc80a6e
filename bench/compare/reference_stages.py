#!/usr/bin/python3
"""Where the reference loader's time goes, per clip, in ONE process (no DataLoader): decode (whole video,
BGR->RGB), to float32, normalize (whole video), cut the clip, collate (torch.stack of 20).

    /usr/bin/python3 bench/compare/reference_stages.py [ROOT=/tmp/etab-compare/data/echonet200] [VIDEOS=60]
"""
import sys, time, numpy as np, torch
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_loader as r
ROOT = sys.argv[1] if len(sys.argv) > 1 else '/tmp/etab-compare/data/echonet200'
ds = r.EchoClips(ROOT, 'train', 32, 25)
t = dict(decode=0.0, tofloat=0.0, normalize=0.0, clip=0.0, collate=0.0)
n = 0; clips = []
for name, fps, ef in ds.items[:int(sys.argv[2]) if len(sys.argv) > 2 else 60]:
    a = time.perf_counter(); v = r.loadvideo(ROOT + '/Videos/' + name)
    b = time.perf_counter(); v = v.astype(np.float32)
    c = time.perf_counter(); v /= 255.0; v -= r.MEAN; v /= r.STD
    d = time.perf_counter()
    off = np.floor(np.arange(32) * fps / 25 + 1e-9).astype(np.int64)
    if v.shape[1] <= off[-1]: v = np.concatenate((v, np.zeros((3, off[-1] + 1 - v.shape[1], 112, 112), np.float32)), 1)
    s = np.random.randint(v.shape[1] - off[-1]); x = torch.from_numpy(np.ascontiguousarray(v[:, s + off]))
    e = time.perf_counter(); clips.append(x)
    if len(clips) == 20:
        torch.stack(clips); clips = []
    f = time.perf_counter()
    t['decode'] += b - a; t['tofloat'] += c - b; t['normalize'] += d - c; t['clip'] += e - d; t['collate'] += f - e; n += 1
tot = sum(t.values())
print('per clip (1 process, %d videos): %.1f ms = ' % (n, 1000 * tot / n) + ', '.join('%s %.1f ms (%.0f %%)' % (k, 1000 * v / n, 100 * v / tot) for k, v in t.items()))
