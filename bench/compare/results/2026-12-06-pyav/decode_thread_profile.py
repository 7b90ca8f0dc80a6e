"""Shares of the decode threads' CPU samples in an async-profiler collapsed profile (event=cpu, threads), by what
the sampled stack is doing. Usage: python3 decode_thread_profile.py FILE.collapsed"""
import collections
import re
import sys


def category(frames):
    s = ";".join(frames)
    leaf = frames[-1]
    if "libavcodec" in leaf:
        return "JPEG decoding (libavcodec)"
    if "sws_convertPalette8ToPacked32" in s:
        return "writing the normalized float planes into the batch (swscale palette lookup)"
    if "libavformat" in s:
        return "demuxing and opening (libavformat)"
    if leaf.endswith("_[k]"):
        return "kernel (file reads, page faults, scheduling)"
    if any(k in leaf for k in ("malloc", "free", "_int_", "memalign", "realloc", "consolidate", "unlink_chunk")):
        return "malloc/free (FFmpeg's buffers)"
    if any(k in leaf for k in ("memcpy", "memset", "memchr")):
        return "memcpy/memset/memchr"
    return "everything else (Java: pipeline, Reactor, pool; JNI)"


total = 0
shares = collections.Counter()
for line in open(sys.argv[1]):
    stack, n = line.rsplit(" ", 1)
    frames = stack.split(";")
    if "etab-decode" not in re.sub(r" tid=\d+\]", "]", frames[0]):
        continue
    total += int(n)
    shares[category(frames)] += int(n)
for what, n in shares.most_common():
    print("%5.1f %%  %s" % (100 * n / total, what))
print("decode-thread samples: %d" % total)
