# A thread pool instead of DataLoader workers, same read_clip: run from bench/compare as
#   /usr/bin/python3 PATH/pyav_threads.py ROOT THREADS EPOCHS   (batches of 20 stacked in the main thread)
import sys, time, os
import numpy as np
from concurrent.futures import ThreadPoolExecutor
sys.path.insert(0, '.')
import pyav_loader as L
from w1_common import w1_items
root = sys.argv[1]; threads = int(sys.argv[2]); epochs = int(sys.argv[3])
items = w1_items(root, "train")
rngs = {}
import threading
def rng():
    t = threading.get_ident()
    if t not in rngs: rngs[t] = np.random.default_rng(t)
    return rngs[t]
def one(i):
    name, fps, ef = items[i]
    return L.read_clip(os.path.join(root, "Videos", name), fps, 32, 25, rng())
pool = ThreadPoolExecutor(threads)
clips = 0
t0 = time.perf_counter()
order_rng = np.random.default_rng(42)
for e in range(epochs):
    order = order_rng.permutation(len(items))
    for b in range(0, len(order), 20):
        batch = np.stack(list(pool.map(one, order[b:b+20])))
        clips += len(batch)
dt = time.perf_counter() - t0
print("threads=%d clips=%d clips_per_s=%.1f" % (threads, clips, clips / dt))
