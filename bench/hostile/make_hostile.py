#!/usr/bin/python3
"""Turns phantom datasets (./etab synth) into the hostile cases of issue 16, one copy per case.

usage: make_hostile.py PHANTOMS OUT
PHANTOMS holds echonet/, tmed/ and camus/ from ./etab synth; OUT gets one dataset directory per case
(OUT/<case>/) and OUT/cases.txt: '<case> <dataset> <root> <extra flags...>' per line, in order.
Files outside a root (the secrets links point at) go to OUT/outside/.
"""
import os
import shutil
import struct
import sys
import zlib

phantoms, out = sys.argv[1], sys.argv[2]
outside = os.path.join(out, "outside")
os.makedirs(outside, exist_ok=True)
secret = os.path.join(outside, "secret.txt")
with open(secret, "w") as f:
    f.write("a secret that must never be read\n")
cases = []


def copy(dataset, case):
    dst = os.path.join(out, case)
    shutil.copytree(os.path.join(phantoms, dataset), dst, symlinks=True)
    return dst


def first(directory, suffix):
    return sorted(os.path.join(directory, n) for n in os.listdir(directory) if n.endswith(suffix))[0]


def replace(path, how):
    os.remove(path)
    how(path)


# --- EchoNet-Dynamic: AVI header counts, FileList counts, a FIFO, a link outside
def avi_total_frames(path, count):
    data = bytearray(open(path, "rb").read())
    avih = data.index(b"avih")
    struct.pack_into("<I", data, avih + 8 + 16, count)  # MainAVIHeader.dwTotalFrames
    strh = data.index(b"strh")
    struct.pack_into("<I", data, strh + 8 + 32, count)  # AVIStreamHeader.dwLength
    open(path, "wb").write(bytes(data))


ECHONET_FLAGS = "--split all --clip-length 32 --frame-size 112x112"
for case, count in (("avi-frames-7fffffff", 0x7FFFFFFF), ("avi-frames-10000000", 0x10000000)):
    root = copy("echonet", case)
    avi_total_frames(first(os.path.join(root, "Videos"), ".avi"), count)
    cases.append((case, "echonet", root, ECHONET_FLAGS + " --clip-start all"))

root = copy("echonet", "filelist-huge-counts")
lines = open(os.path.join(root, "FileList.csv")).read().splitlines()
head = lines[0].split(",")
rows = [l.split(",") for l in lines[1:]]
rows[0][head.index("NumberOfFrames")] = "2147483647"
rows[1][head.index("FPS")] = "1e308"
open(os.path.join(root, "FileList.csv"), "w").write("\n".join([lines[0]] + [",".join(r) for r in rows]) + "\n")
cases.append(("filelist-huge-counts", "echonet", root, ECHONET_FLAGS + " --clip-start all"))

root = copy("echonet", "avi-fifo")
replace(first(os.path.join(root, "Videos"), ".avi"), os.mkfifo)
cases.append(("avi-fifo", "echonet", root, ECHONET_FLAGS))

root = copy("echonet", "avi-link-outside")
replace(first(os.path.join(root, "Videos"), ".avi"), lambda p: os.symlink(secret, p))
cases.append(("avi-link-outside", "echonet", root, ECHONET_FLAGS))


# --- TMED-2: PNG headers, /dev/zero, a FIFO, a link outside, the largest valid PNG
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png(width, height, depth, colour, idat):
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def tmed_images(root):
    found = []
    for d, _, names in os.walk(root):
        found += [os.path.join(d, n) for n in names if n.endswith(".png")]
    return sorted(found)


TMED_FLAGS = "--split all --view all --target view"
root = copy("tmed", "png-20000x20000-rgba16")
open(tmed_images(root)[0], "wb").write(png(20000, 20000, 16, 6, zlib.compress(b"\0" * 16)))
cases.append(("png-20000x20000-rgba16", "tmed", root, TMED_FLAGS))

root = copy("tmed", "png-4000x4000-short-idat")
open(tmed_images(root)[0], "wb").write(png(4000, 4000, 16, 6, b"\x78\x9c\x03\x00\x00\x00\x00\x01\x00\x00\x00"))
cases.append(("png-4000x4000-short-idat", "tmed", root, TMED_FLAGS))

root = copy("tmed", "png-4096x4096-rgba16-valid")
row = b"\0" + b"\x80" * (4096 * 8)  # filter byte + 4096 RGBA16 pixels
open(tmed_images(root)[0], "wb").write(png(4096, 4096, 16, 6, zlib.compress(row * 4096, 9)))
cases.append(("png-4096x4096-rgba16-valid", "tmed", root, TMED_FLAGS))
# the same largest valid PNG under a short sample timeout: its decode (ImageIO, not watching the clock) outlasts it
cases.append(("png-4096x4096-timeout-0.5s", "tmed", root, TMED_FLAGS + " --sample-timeout 0.5"))

root = copy("tmed", "png-dev-zero")
replace(tmed_images(root)[0], lambda p: os.symlink("/dev/zero", p))
cases.append(("png-dev-zero", "tmed", root, TMED_FLAGS))

root = copy("tmed", "png-fifo")
replace(tmed_images(root)[0], os.mkfifo)
cases.append(("png-fifo", "tmed", root, TMED_FLAGS))

root = copy("tmed", "png-link-outside")
replace(tmed_images(root)[0], lambda p: os.symlink(secret, p))
cases.append(("png-link-outside", "tmed", root, TMED_FLAGS))


# --- CAMUS (MetaImage release): a size claim, a data file linked outside
def camus_ed_headers(root):
    found = []
    for d, _, names in os.walk(root):
        found += [os.path.join(d, n) for n in names if n.endswith("_ED.mhd") and n[:-4] + ".raw" in names]
    return sorted(found)  # those with a separate data file (the phantom writes some LOCAL)


CAMUS_FLAGS = "--split all --view all --target EF --video false --frame-size 256x256"
root = copy("camus", "mhd-dimsize-claim")
mhd = camus_ed_headers(root)[0]
text = open(mhd).read().splitlines()
raw = [l for l in text if l.startswith("ElementDataFile")][0].split("=")[1].strip()
text = [("DimSize = 1024 1024 1000" if l.startswith("DimSize") else
         "NDims = 3" if l.startswith("NDims") else l) for l in text]
text = [l for l in text if not l.startswith("ElementSpacing")]
open(mhd, "w").write("\n".join(text) + "\n")
open(os.path.join(os.path.dirname(mhd), raw), "wb").write(b"\0" * 6)
cases.append(("mhd-dimsize-claim", "camus", root, CAMUS_FLAGS))

root = copy("camus", "mhd-data-link-outside")
mhd = camus_ed_headers(root)[0]
raw = [l for l in open(mhd).read().splitlines() if l.startswith("ElementDataFile")][0].split("=")[1].strip()
data = os.path.join(os.path.dirname(mhd), raw)
size = os.path.getsize(data)
with open(os.path.join(outside, "secret.raw"), "wb") as f:
    f.write(b"S" * size)  # same size as the real data: only the link can refuse it
replace(data, lambda p: os.symlink(os.path.join(outside, "secret.raw"), p))
cases.append(("mhd-data-link-outside", "camus", root, CAMUS_FLAGS))

with open(os.path.join(out, "cases.txt"), "w") as f:
    for case in cases:
        f.write(" ".join(case) + "\n")
