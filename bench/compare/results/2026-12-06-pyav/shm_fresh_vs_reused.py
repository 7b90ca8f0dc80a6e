# Writing 20 clips into a fresh shared-memory batch (what each DataLoader batch gets) against into one written
# before. Run from bench/compare: PYTHONPATH=. /usr/bin/python3 PATH/shm_fresh_vs_reused.py
import time
import numpy as np
import torch
import pyav_loader as L

g = np.random.randint(0, 256, (112, 112), dtype=np.uint8)
frames = [g] * 32
shape = (20, 3, 32, 112, 112)


def fresh():
    st = torch.empty(0).storage()._new_shared(int(np.prod(shape)))
    return torch.empty(0).new(st).resize_(*shape)


t = time.perf_counter()
for _ in range(10):
    x = fresh()
    xs = x.numpy()
    for b in range(20):
        L.write_clip(xs[b], frames)
    del x, xs
a = (time.perf_counter() - t) / 10
x = fresh()
xs = x.numpy()
for b in range(20):
    L.write_clip(xs[b], frames)
t = time.perf_counter()
for _ in range(10):
    for b in range(20):
        L.write_clip(xs[b], frames)
c = (time.perf_counter() - t) / 10
print("fresh shared batch: %.1f ms per batch of 20; reused: %.1f ms; difference per clip %.2f ms"
      % (a * 1000, c * 1000, (a - c) * 1000 / 20))
