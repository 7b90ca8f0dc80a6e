#!/usr/bin/python3
"""Checks `etab export` and `etab split` output with NumPy against what README.md and docs/datasets.md promise.

    /usr/bin/python3 bench/compare/check_exports.py DIR [DIR ...] [--verbose] [--ffmpeg PATH|none]

DIR is one export folder (holding manifest.csv) or a folder of them. An export folder NAME may have beside it
NAME.args (the etab command line that wrote it, one argument a line, starting with `export` or `split`),
NAME.stdout (its RESULT or SPLIT line) and NAME.report.csv (its --report). Without NAME.args only what needs no
options is checked (the .npy format, manifest <-> files <-> arrays). With it, everything: dtype, shape, layout,
value range, padding, source frames, labels against the dataset's own index (FileList.csv, VolumeTracings.csv,
CAMUS Info_*.cfg and images, TMED-2 fold files), masks against the tracings / ground truth, pixels against the
source images (CAMUS, TMED-2 read by NumPy; EchoNet AVIs decoded by the ffmpeg command line, below), and exports
that differ only in dtype, normalize, channels or layout against each other. A split folder (train.csv, val.csv,
test.csv) is checked against scikit-learn's train_test_split, re-done here with NumPy's RandomState.

EchoNet pixels: NumPy cannot decode MJPEG, so each AVI is decoded by Debian's `ffmpeg` CLI (found on PATH, or
--ffmpeg PATH; `--ffmpeg none` turns it off), piped as raw video in the stream's OWN pixel format (from `ffprobe`,
so no colour conversion runs) and the gray taken as its luma plane: the Y of full-range MJPEG (yuvj*) as it is,
limited-range luma stretched as round((Y - 16) * 255 / 219), which is what docs/datasets.md calls the gray of a
frame. Every exported frame is then compared with the source frame the manifest names (`source_frames`, so a
random clip start is checked too), resized and normalized as the docs say (expected_pixels, gray_levels). The
ffmpeg CLI rather than python3-opencv: cv2.VideoCapture hands over BGR from a swscale colour conversion, from which
gray would have to be re-derived (not exactly the luma), and it would pull in a large package for one decode;
the CLI is one small Debian package, needs no Python module and gives the luma plane untouched. It is independent
of this repository's Java decode path (its own AVI index, packet selection, luma copy and transform), not of
FFmpeg's MJPEG decoder itself (Debian's libavcodec, a different build and version from the JavaCV one).
Without ffmpeg these checks are reported as skipped (one line), not passed.

stdlib + NumPy only. Prints one line per problem and a summary; exit status 1 when anything is wrong.
"""
import ast
import csv
import gzip
import hashlib
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

import numpy as np

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
GRAY_MEAN, GRAY_STD = 0.449, 0.226  # channels 1: the averages (FrameTransform)

DEFAULT_TARGET = {"echonet": "EF", "camus": "EF", "tmed": "view"}
SCHEMES = {
    "view": {
        "view5": {"PLAX": 0, "PSAX": 1, "A4C": 2, "A2C": 3, "A4CorA2CorOther": 4},
        "view5-a2c-first": {"PLAX": 0, "PSAX": 1, "A2C": 2, "A4C": 3, "A4CorA2CorOther": 4},
        "view3": {"PLAX": 0, "PSAX": 1, "A4C": 2, "A2C": 2, "A4CorA2CorOther": 2},
        "view2": {"PLAX": 0, "PSAX": 1},
    },
    "AS": {
        "as3": {"no_AS": 0, "mild_AS": 1, "mildtomod_AS": 1, "moderate_AS": 2, "severe_AS": 2},
        "as2": {"no_AS": 0, "mild_AS": 1, "mildtomod_AS": 1, "moderate_AS": 1, "severe_AS": 1},
        "as5": {"no_AS": 0, "mild_AS": 1, "mildtomod_AS": 2, "moderate_AS": 3, "severe_AS": 4},
    },
}
SCHEME_DEFAULT = {"view": "view5", "AS": "as3"}
Y_SPEC = {  # target -> (dtype, shape or "mask")
    "EF": ("float32", (1,)),
    "CM": ("int32", (1,)),
    "ES/ED": ("int32", (2,)),
    "view": ("int32", (1,)),
    "AS": ("int32", (1,)),
    "LV_seg": ("uint8", "mask"),
    "LA_seg": ("uint8", "mask"),
    "MY_seg": ("uint8", "mask"),
}
CAMUS_LABEL = {"LV_seg": 1, "MY_seg": 2, "LA_seg": 3}
HEADER = ["id", "source_id", "x", "y", "epoch", "position", "source_frames", "valid_frames", "label"]

problems = []
verbose = False


def bad(case, msg):
    problems.append("%s: %s" % (case, msg))
    shown = sum(1 for p in problems if p.startswith(case + ": "))
    if shown <= 20 or verbose:
        print("MISMATCH %s: %s" % (case, msg))
    elif shown == 21:
        print("MISMATCH %s: ... (more not shown; --verbose shows all)" % case)


def note(msg):
    if verbose:
        print("  " + msg)


# ---------------------------------------------------------------------------------------------------------- .npy


def read_npy(path):
    """(header dict, raw problems, array): the header parsed by hand, then np.load's array."""
    errs = []
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:6] != b"\x93NUMPY":
        return None, ["not a .npy file (magic %r)" % raw[:6]], None
    major, minor = raw[6], raw[7]
    if (major, minor) != (1, 0):
        errs.append("format version %d.%d, not 1.0" % (major, minor))
    hlen = struct.unpack("<H", raw[8:10])[0]
    text = raw[10:10 + hlen].decode("latin1")
    if (10 + hlen) % 64:
        errs.append("header of %d bytes, not a multiple of 64" % (10 + hlen))
    if not text.endswith("\n"):
        errs.append("header does not end with a newline")
    try:
        d = ast.literal_eval(text)
    except (ValueError, SyntaxError) as e:
        return None, errs + ["header not a Python literal: %s" % e], None
    if d.get("fortran_order") is not False:
        errs.append("fortran_order %r" % d.get("fortran_order"))
    descr = d.get("descr", "")
    if descr not in ("<f4", "|u1", "<i4"):
        errs.append("descr %r (expected little-endian <f4, <i4 or |u1)" % descr)
    try:
        n = int(np.prod(d["shape"], dtype=np.int64)) * np.dtype(descr).itemsize
        if len(raw) != 10 + hlen + n:
            errs.append("file is %d bytes, header + data make %d" % (len(raw), 10 + hlen + n))
    except (KeyError, TypeError) as e:
        errs.append("bad shape/descr: %s" % e)
    a = np.load(path, allow_pickle=False)
    if not a.flags["C_CONTIGUOUS"]:
        errs.append("array is not C-contiguous")
    if a.dtype.byteorder == ">":
        errs.append("big-endian array")
    return d, errs, a


# ------------------------------------------------------------------------------------------------- etab's args


def parse_args(lines):
    cmd = lines[0]
    o = {"cmd": cmd}
    i = 1
    while i < len(lines):
        a = lines[i]
        if a.startswith("--"):
            if "=" in a:
                k, v = a[2:].split("=", 1)
            elif a[2:] in ("quiet", "verbose", "allow-links-outside"):
                k, v = a[2:], "true"
            else:
                k, v = a[2:], lines[i + 1]
                i += 1
            o[k] = v
        i += 1
    ds = o.setdefault("dataset", "echonet")
    o.setdefault("split", "train")
    o.setdefault("target", DEFAULT_TARGET[ds])
    o.setdefault("video", "false" if ds == "tmed" else "true")
    o.setdefault("clip-length", "32")
    o.setdefault("fps", "25")
    o.setdefault("frame-size", "112x112")
    o.setdefault("dtype", "float32")
    o.setdefault("normalize", "false" if o["dtype"] == "uint8" else "true")
    o.setdefault("padding", "true")
    o.setdefault("clip-start", "random")
    o.setdefault("channels", "3")
    o.setdefault("resize", "bilinear")
    o.setdefault("antialias", "false")
    o.setdefault("layout", "cthw")
    o.setdefault("limit", "0")
    o.setdefault("fold", "0")
    o.setdefault("start-epoch", o.get("epoch", "0"))
    o.setdefault("shuffle", "false")
    o.setdefault("world", "1")
    return o


# ------------------------------------------------------------------------------------------------ dataset index


def first_dir(root, names, marker):
    for n in names:
        d = os.path.join(root, n) if n else root
        if os.path.exists(os.path.join(d, marker)):
            return d
    return root


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def strip_avi(name):
    return name[:-4] if name.lower().endswith(".avi") else name


class EchoNet:
    def __init__(self, root):
        self.dir = first_dir(root, ["", "data", "EchoNet-Dynamic"], "FileList.csv")
        self.rows = {}
        self.order = []
        for r in read_csv(os.path.join(self.dir, "FileList.csv")):
            name = strip_avi(r["FileName"])
            self.rows[name] = r
            self.order.append(name)
        self.traces = {}  # name -> {frame: [(x1,y1,x2,y2)]} in order of first appearance
        for r in read_csv(os.path.join(self.dir, "VolumeTracings.csv")):
            t = self.traces.setdefault(strip_avi(r["FileName"]), {})
            t.setdefault(int(r["Frame"]), []).append(tuple(float(r[k]) for k in ("X1", "Y1", "X2", "Y2")))

    def selection(self, o):
        s = o["split"].upper()
        return [n for n in self.order if (s == "ALL" or self.rows[n]["Split"].upper() == s)
                and len(self.traces.get(n, {})) >= 2]

    def frames(self, sid):
        return int(self.rows[sid]["NumberOfFrames"])

    def file_frames(self, sid):
        """The frames the AVI holds, which decide where a clip's padding starts (the file decides, not FileList's
        NumberOfFrames): ffmpeg's count when it decodes here, else the avih header's total."""
        if decoder is not None and not decoder.reason:
            frames, _ = decoder.gray(self.video_path(sid))
            if frames is not None:
                return len(frames)
        with open(self.video_path(sid), "rb") as f:
            head = f.read(4096)
        i = head.find(b"avih")
        return struct.unpack("<I", head[i + 8 + 16:i + 8 + 20])[0]

    def file_fps(self, sid):
        return float(self.rows[sid]["FPS"])

    def native(self, sid):
        # --frame-size native: FileList's FrameHeight x FrameWidth sizes the output
        return int(self.rows[sid]["FrameHeight"]), int(self.rows[sid]["FrameWidth"])

    def video_path(self, sid):
        name = self.rows[sid]["FileName"]
        return os.path.join(self.dir, "Videos", name if name.lower().endswith(".avi") else name + ".avi")

    def video_size(self, sid):
        """The AVI's own size (its avih header): where the LV mask is drawn."""
        with open(self.video_path(sid), "rb") as f:
            head = f.read(4096)
        i = head.find(b"avih")
        w, h = struct.unpack("<II", head[i + 8 + 32:i + 8 + 40])
        return h, w

    def es_ed(self, sid):
        frames = list(self.traces[sid])
        return frames[0], frames[-1]

    def ef(self, sid):
        return float(self.rows[sid]["EF"])

    def mask(self, sid):
        """The ED tracing rasterized as docs/datasets.md says: chords X1[1:] ++ reverse(X2[1:]), rounded half to
        even, pixel centres inside or on the boundary (scikit-image draw.polygon), at the video's size."""
        rows = self.traces[sid][self.es_ed(sid)[1]]
        x1 = [r[0] for r in rows[1:]]
        y1 = [r[1] for r in rows[1:]]
        x2 = [r[2] for r in rows[1:]]
        y2 = [r[3] for r in rows[1:]]
        xs = np.round(np.array(x1 + x2[::-1], dtype=np.float32).astype(np.float64))
        ys = np.round(np.array(y1 + y2[::-1], dtype=np.float32).astype(np.float64))
        h, w = self.video_size(sid)
        return polygon_mask(ys, xs, h, w)


def polygon_mask(ys, xs, h, w):
    r, c = np.mgrid[0:h, 0:w].astype(np.float64)
    inside = np.zeros((h, w), bool)
    edge = np.zeros((h, w), bool)
    n = len(xs)
    for i in range(n):
        ya, xa, yb, xb = ys[i], xs[i], ys[(i + 1) % n], xs[(i + 1) % n]
        cross = (xb - xa) * (r - ya) - (yb - ya) * (c - xa)
        within = (np.minimum(xa, xb) <= c) & (c <= np.maximum(xa, xb)) & (np.minimum(ya, yb) <= r) & (
            r <= np.maximum(ya, yb))
        edge |= (cross == 0) & within
        if ya != yb:
            crosses = ((ya > r) != (yb > r))
            xint = xa + (r - ya) * (xb - xa) / (yb - ya)
            inside ^= crosses & (c < xint)
    return (inside | edge).astype(np.uint8)


class AviDecoder:
    """Gray frames of a video by the ffmpeg CLI (see the module docstring): [N, H, W] uint8, cached per file."""

    # 8-bit planar formats whose plane 0 is the luma: (log2 chroma width, log2 chroma height), None for no chroma
    PLANAR = {"gray": None, "yuv420p": (1, 1), "yuv422p": (1, 0), "yuv444p": (0, 0), "yuv440p": (0, 1),
              "yuv411p": (2, 0), "yuv410p": (2, 2)}
    # limited-range luma (16..235) to full range, rounded half up: GrayConversion's table (swscale's mapping)
    LIMITED_TO_FULL = np.clip(np.floor((np.arange(256) - 16) * 255.0 / 219.0 + 0.5), 0, 255).astype(np.uint8)

    cache = {}  # file content's SHA-1 -> (frames, error): copies of a video (the odd-name sets) decode once

    def __init__(self, ffmpeg):
        self.samples = self.frames = 0  # what was compared, for the summary
        self.unmodeled = 0  # samples whose resize filter expected_pixels does not model
        self.ffmpeg = shutil.which(ffmpeg) if ffmpeg != "none" else None
        self.ffprobe = shutil.which(os.path.join(os.path.dirname(self.ffmpeg), "ffprobe")) if self.ffmpeg else None
        if ffmpeg == "none":
            self.reason = "turned off by --ffmpeg none"
        elif not self.ffmpeg or not self.ffprobe:
            self.reason = "no %s on PATH (Debian: apt-get install ffmpeg)" % (
                "ffmpeg" if not self.ffmpeg else "ffprobe beside " + self.ffmpeg)
        else:
            self.reason = None
            first = subprocess.run([self.ffmpeg, "-version"], capture_output=True, text=True).stdout.split("\n")[0]
            self.version = " ".join(first.split()[:3])
            m = re.match(r"ffmpeg version n?(\d+)\.(\d+)", first)
            # every decoded frame, none dropped or repeated for timestamps (-fps_mode: -vsync's name since 5.1)
            old = m and (int(m.group(1)), int(m.group(2))) < (5, 1)
            self.passthrough = ["-vsync", "0"] if old else ["-fps_mode", "passthrough"]

    def gray(self, path):
        """(frames, None) or (None, why ffmpeg could not decode it)."""
        with open(path, "rb") as f:
            key = hashlib.sha1(f.read()).hexdigest()
        if key not in self.cache:
            self.cache[key] = self._decode(path)
        return self.cache[key]

    def _decode(self, path):
        src = "file:" + os.path.abspath(path)  # "file:": a name with a colon is not a protocol
        p = subprocess.run([self.ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height,pix_fmt,color_range", "-of", "default=noprint_wrappers=1", src],
                           capture_output=True, text=True)
        info = dict(l.split("=", 1) for l in p.stdout.split() if "=" in l)
        if p.returncode or "width" not in info:
            return None, "ffprobe: %s" % (p.stderr.strip() or "no video stream")
        w, h, fmt = int(info["width"]), int(info["height"]), info["pix_fmt"]
        base = fmt[:3] + fmt[4:] if fmt.startswith("yuvj") else fmt
        # the loader's rule (GrayConversion): limited when tagged so, or untagged YUV that is not yuvj*
        rng = info.get("color_range", "unknown")
        limited = rng == "tv" or (rng == "unknown" and not fmt.startswith("yuvj") and base != "gray")
        if base not in self.PLANAR:
            # no plain luma plane (never so for MJPEG): swscale's GRAY8, as the loader's own fallback
            fmt, base, limited = "gray", "gray", False
        sub = self.PLANAR[base]
        chroma = 0 if sub is None else 2 * (-(-w >> sub[0])) * (-(-h >> sub[1]))
        p = subprocess.run([self.ffmpeg, "-v", "error", "-nostdin", "-i", src, "-map", "0:v:0"] + self.passthrough
                           + ["-f", "rawvideo", "-pix_fmt", fmt, "-"], capture_output=True)
        if p.returncode:
            return None, "ffmpeg: %s" % p.stderr.decode("utf-8", "replace").strip()[-300:]
        size = w * h + chroma
        if len(p.stdout) % size:
            return None, "ffmpeg wrote %d bytes, not whole %dx%d %s frames" % (len(p.stdout), w, h, fmt)
        y = np.frombuffer(p.stdout, np.uint8).reshape(-1, size)[:, :w * h].reshape(-1, h, w)
        return (self.LIMITED_TO_FULL[y] if limited else y), None


decoder = None  # AviDecoder, set by main


def read_mhd(path):
    with open(path, "rb") as f:
        raw = f.read()
    hdr = {}
    pos = 0
    while pos < len(raw):
        end = raw.index(b"\n", pos) if b"\n" in raw[pos:] else len(raw)
        line = raw[pos:end].decode("latin1").strip()
        pos = end + 1
        if "=" in line:
            k, v = [s.strip() for s in line.split("=", 1)]
            hdr[k] = v
            if k == "ElementDataFile":
                break
    dims = [int(v) for v in hdr["DimSize"].split()]
    if hdr["ElementType"] != "MET_UCHAR":
        return None
    if hdr["ElementDataFile"] == "LOCAL":
        data = raw[pos:]
    else:
        p = os.path.join(os.path.dirname(path), hdr["ElementDataFile"])
        if not os.path.exists(p) and os.path.exists(p + ".gz"):
            p += ".gz"
        with open(p, "rb") as f:
            data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    elif hdr.get("CompressedData", "False").lower() == "true":
        data = zlib.decompress(data)
    return np.frombuffer(data, np.uint8, count=int(np.prod(dims))).reshape(dims[::-1])


def read_nifti(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dim = struct.unpack("<8h", raw[40:56])
    dtype = struct.unpack("<h", raw[70:72])[0]
    off = int(struct.unpack("<f", raw[108:112])[0])
    if dtype != 2:  # uint8 only
        return None
    shape = dim[1:1 + dim[0]]
    return np.frombuffer(raw, np.uint8, count=int(np.prod(shape)), offset=off).reshape(shape[::-1])


class Camus:
    def __init__(self, root):
        self.root = root
        if not any(os.path.isdir(os.path.join(root, d)) for d in ("training", "testing", "database_nifti")):
            for d in sorted(os.listdir(root)):
                if os.path.isdir(os.path.join(root, d, "training")) or os.path.isdir(
                        os.path.join(root, d, "database_nifti")):
                    self.root = os.path.join(root, d)
        self.nifti = os.path.isdir(os.path.join(self.root, "database_nifti"))
        self.cache = {}

    def patient_dir(self, patient):
        if self.nifti:
            return os.path.join(self.root, "database_nifti", patient)
        for part in ("training", "testing"):
            d = os.path.join(self.root, part, patient)
            if os.path.isdir(d):
                return d
        return None

    def selection(self, o):
        split = o["split"]
        if self.nifti:
            names = {"train": ["training"], "val": ["validation"], "test": ["testing"],
                     "all": ["training", "validation", "testing"]}[split]
            patients = []
            for n in names:
                with open(os.path.join(self.root, "database_split", "subgroup_%s.txt" % n)) as f:
                    patients += [l.strip() for l in f if l.strip()]
            patients.sort()
        else:
            parts = {"train": ["training"], "test": ["testing"], "all": ["training", "testing"]}[split]
            patients = sorted(p for part in parts for p in os.listdir(os.path.join(self.root, part))
                              if p.startswith("patient"))
        view = o.get("view", "both").upper()
        views = {"AP2CH": ["2CH"], "A2CH": ["2CH"], "AP4CH": ["4CH"], "A4CH": ["4CH"]}.get(view, ["2CH", "4CH"])
        return ["%s_%s" % (p, v) for p in patients for v in views]

    def cfg(self, sid):
        patient, view = sid.rsplit("_", 1)
        d = {}
        with open(os.path.join(self.patient_dir(patient), "Info_%s.cfg" % view)) as f:
            for line in f:
                if ":" in line:
                    k, v = line.split(":", 1)
                    d[k.strip()] = v.strip()
        return d

    def image(self, sid, kind):
        """kind: ED, ED_gt, sequence; [H, W] or [N, H, W] uint8, or None when absent or not uint8."""
        key = (sid, kind)
        if key not in self.cache:
            patient, view = sid.rsplit("_", 1)
            d = self.patient_dir(patient)
            if self.nifti:
                name = kind.replace("sequence", "half_sequence")
                p = os.path.join(d, "%s_%s_%s.nii.gz" % (patient, view, name))
                a = read_nifti(p) if os.path.exists(p) else None
                if a is not None and a.ndim == 3 and kind != "sequence":
                    a = a[0]
            else:
                p = os.path.join(d, "%s_%s_%s.mhd" % (patient, view, kind))
                a = read_mhd(p) if os.path.exists(p) else None
            self.cache[key] = a
        return self.cache[key]

    def frames(self, sid):
        return self.image(sid, "sequence").shape[0]

    file_frames = frames

    def file_fps(self, sid):
        return float(self.cfg(sid).get("FrameRate", "25"))

    def native(self, sid):
        return self.image(sid, "ED").shape[-2:]

    def es_ed(self, sid):
        c = self.cfg(sid)
        return int(c["ES"]) - 1, int(c["ED"]) - 1

    def ef(self, sid):
        c = self.cfg(sid)
        return float(c.get("LVef", c.get("EF")))


class Tmed:
    def __init__(self, root):
        self.dir = first_dir(root, ["", "approved_users_only", "approved_users_only/DEV479"],
                             "TMED2_fold0_labeledpart.csv")
        self.data_root = first_dir(root, ["", "approved_users_only"], "labels_per_image.csv")

    def selection(self, o):
        self.rows = {}
        target = o["target"]
        col = "view_classifier_split" if target == "view" else "diagnosis_classifier_split"
        view = o.get("view", "PLAX+PSAX" if target == "view" else "all").upper()
        views = {"PLAX": ["PLAX"], "PSAX": ["PSAX"], "AP4CH": ["A4C"], "A4C": ["A4C"], "AP2CH": ["A2C"],
                 "A2C": ["A2C"], "PLAX+PSAX": ["PLAX", "PSAX"], "BOTH": ["PLAX", "PSAX"]}.get(view)
        out = []
        for r in read_csv(os.path.join(self.dir, "TMED2_fold%s_labeledpart.csv" % o["fold"])):
            s = r[col].strip().lower()
            if s not in ("train", "val", "test") or (o["split"] != "all" and s != o["split"]):
                continue
            if views is not None and r["view_label"] not in views:
                continue
            if target == "AS" and r["diagnosis_label"] == "Not_Provided":
                continue
            sid = r["query_key"][:-4] if r["query_key"].lower().endswith(".png") else r["query_key"]
            self.rows[sid] = r
            out.append(sid)
        return out

    def png(self, sid):
        r = self.rows[sid]
        return read_png(os.path.join(self.data_root, r["SourceFolder"].strip("/"), r["query_key"]))

    def native(self, sid):
        return 112, 112


def read_png(path):
    """8-bit gray PNG -> [H, W] uint8; None for anything else."""
    with open(path, "rb") as f:
        raw = f.read()
    pos, idat, ihdr = 8, b"", None
    while pos < len(raw):
        n = struct.unpack(">I", raw[pos:pos + 4])[0]
        kind = raw[pos + 4:pos + 8]
        body = raw[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, color, _, _, interlace = ihdr
    if depth != 8 or color != 0 or interlace:
        return None
    data = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, w + 1)
    out = np.zeros((h, w), np.int32)
    prev = np.zeros(w, np.int32)
    for y in range(h):
        ft, line = data[y, 0], data[y, 1:].astype(np.int32)
        cur = np.zeros(w, np.int32)
        if ft == 0:
            cur = line
        elif ft == 2:
            cur = (line + prev) & 255
        elif ft in (1, 3, 4):
            for x in range(w):
                a = cur[x - 1] if x else 0
                b = prev[x]
                c = prev[x - 1] if x else 0
                if ft == 1:
                    p = a
                elif ft == 3:
                    p = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + p) & 255
        out[y] = cur
        prev = cur
    return out.astype(np.uint8)


def open_dataset(o):
    return {"echonet": EchoNet, "camus": Camus, "tmed": Tmed}[o["dataset"]](o["root"])


# ---------------------------------------------------------------------------------------------------- resizing


def nearest_mask(m, h, w):
    """docs: source index floor(dst * src / dst_size), exact integers (OpenCV INTER_NEAREST's formula)."""
    sh, sw = m.shape
    return m[(np.arange(h) * sh // h)[:, None], (np.arange(w) * sw // w)[None, :]]


def expected_pixels(img, h, w, o):
    """The source frame resized as --resize/--antialias say, in gray levels (float64), or None when this script
    does not model the filter. Returns (values, tolerance in gray levels)."""
    img = img.astype(np.float64)
    sh, sw = img.shape
    if (sh, sw) == (h, w):
        return img, 0.0
    if o["resize"] == "nearest":
        if o["antialias"] == "true":
            # Pillow NEAREST: pixel centres, floor((o + 1/2) * in / out) with the position accumulated in double from
            # pixel to pixel, as Pillow does (112 -> 150: column 37 reads 27, not 28)
            def pillow(n_in, n_out):
                step, x, idx = n_in / n_out, n_in / n_out * 0.5, []
                for _ in range(n_out):
                    idx.append(min(int(x), n_in - 1))
                    x += step
                return np.array(idx)
            return img[pillow(sh, h)[:, None], pillow(sw, w)[None, :]], 0.0
        # OpenCV INTER_NEAREST as cv2.resize evaluates it: floor(o * (1 / (out / in))) in double, which takes the
        # pixel before where o * in / out is whole (279 -> 96: row 32 reads 92, not 93); masks use exact integers
        ri = np.minimum(np.floor(np.arange(h) * (1.0 / (h / sh))).astype(int), sh - 1)
        ci = np.minimum(np.floor(np.arange(w) * (1.0 / (w / sw))).astype(int), sw - 1)
        return img[ri[:, None], ci[None, :]], 0.0
    if o["resize"] == "bilinear" and o["antialias"] == "false":  # OpenCV INTER_LINEAR, half-pixel centres
        def taps(n_in, n_out):
            s = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
            i0 = np.floor(s).astype(int)
            f = s - i0
            return np.clip(i0, 0, n_in - 1), np.clip(i0 + 1, 0, n_in - 1), f
        r0, r1, fr = taps(sh, h)
        c0, c1, fc = taps(sw, w)
        rows = img[r0] * (1 - fr)[:, None] + img[r1] * fr[:, None]
        # etab computes it in float32, this in double: 1e-3 levels covers that (measured: under 1e-4)
        return rows[:, c0] * (1 - fc)[None, :] + rows[:, c1] * fc[None, :], 1e-3
    return None, None


def gray_levels(x, c, o):
    """An output channel plane back in gray levels (0..255) as float64."""
    x = x.astype(np.float64)
    if o["dtype"] == "uint8":
        return x
    if o["normalize"] == "true":
        mean, std = (IMAGENET_MEAN[c], IMAGENET_STD[c]) if int(o["channels"]) == 3 else (GRAY_MEAN, GRAY_STD)
        return (x * std + mean) * 255
    return x * 255


# -------------------------------------------------------------------------------------------------- one export


def check_export(case, d, o, result, report):
    mpath = os.path.join(d, "manifest.csv")
    with open(mpath, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    exp_header = list(HEADER)
    if o and o["dataset"] == "tmed":
        exp_header.append("label_scheme")
    if o and o["video"] == "true":
        exp_header.append("layout")
    if o is None:
        if header[:len(HEADER)] != HEADER or not set(header[len(HEADER):]) <= {"label_scheme", "layout"}:
            bad(case, "manifest header %s" % header)
    elif header != exp_header:
        bad(case, "manifest header %s, expected %s" % (header, exp_header))
    ms = [dict(zip(header, r)) for r in body]
    for i, r in enumerate(body):
        if len(r) != len(header):
            bad(case, "manifest row %d has %d fields, header %d" % (i + 2, len(r), len(header)))
    listed = set()
    ids = [m["id"] for m in ms]
    if len(set(ids)) != len(ids):
        bad(case, "duplicate ids in the manifest")
    for m in ms:
        if m["x"] != m["id"] + ".x.npy" or m["y"] != m["id"] + ".y.npy":
            bad(case, "row %s names files %s, %s" % (m["id"], m["x"], m["y"]))
        listed |= {m["x"], m["y"]}
    present = set(os.listdir(d)) - {"manifest.csv"}
    for f in sorted(listed - present):
        bad(case, "manifest lists %r, not in the folder" % f)
    for f in sorted(present - listed):
        bad(case, "stray file %r (not in the manifest)" % f)
    if result and not (o and "resume" in o):  # a resumed export's RESULT counts that run only
        m = re.search(r"delivered=(\d+) failed=(\d+)", result)
        if m and int(m.group(1)) != len(ms):
            bad(case, "RESULT delivered=%s but the manifest has %d rows" % (m.group(1), len(ms)))
    if report is not None:
        delivered = [r["id"] for r in report if r["status"] == "delivered"]
        if delivered != ids:
            bad(case, "report's delivered ids differ from the manifest's (%d vs %d)" % (len(delivered), len(ids)))

    ds = open_dataset(o) if o else None
    sel = ds.selection(o) if ds else None
    if sel is not None:
        extra = {m["source_id"] for m in ms} - set(sel)
        if extra:
            bad(case, "source ids outside the selection: %s" % sorted(extra)[:5])
        if o["limit"] == "0" and o["world"] == "1" and report is not None:
            seen = {r["id"] for r in report} | {m["source_id"] for m in ms}
            missing = [s for s in sel if s not in seen]
            if missing:
                bad(case, "selection ids neither exported nor reported failed: %s" % missing[:5])
        note("%d rows, selection %d" % (len(ms), len(sel)))

    arrays = {}
    prev_pos = -1
    resets = 0
    clip_counts = {}
    for m in ms:
        xh, xerr, x = read_npy(os.path.join(d, m["x"])) if m["x"] in present else (None, ["missing"], None)
        yh, yerr, y = read_npy(os.path.join(d, m["y"])) if m["y"] in present else (None, ["missing"], None)
        for e in xerr:
            bad(case, "%s: %s" % (m["x"], e))
        for e in yerr:
            bad(case, "%s: %s" % (m["y"], e))
        if x is None or y is None:
            continue
        if x.dtype.kind == "f" and not np.isfinite(x).all():
            bad(case, "%s has NaN/inf" % m["x"])
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            bad(case, "%s has NaN/inf" % m["y"])
        sf = [int(v) for v in m["source_frames"].split()]
        valid = int(m["valid_frames"])
        pos = int(m["position"])
        if pos <= prev_pos:
            resets += 1
        prev_pos = pos
        # the label column: the y values when there are at most 4
        lab = m["label"].split()
        if y.ndim == 1 and y.size <= 4:  # README: masks ([H, W]) leave it empty, however small
            if len(lab) != y.size:
                bad(case, "%s: label %r for y %s" % (m["id"], m["label"], y.tolist()))
            elif y.dtype == np.float32:
                if [np.float32(float(t)) for t in lab] != list(y):
                    bad(case, "%s: label %r != y %s" % (m["id"], m["label"], y.tolist()))
            elif [int(t) for t in lab] != [int(v) for v in y]:
                bad(case, "%s: label %r != y %s" % (m["id"], m["label"], y.tolist()))
        elif m["label"] != "":
            bad(case, "%s: label %r for a y of shape %s (empty for masks and y of more than 4 values)" % (
                m["id"], m["label"], y.shape))
        if not o:
            continue
        if m["epoch"] != o["start-epoch"]:
            bad(case, "%s: epoch %s" % (m["id"], m["epoch"]))
        if "label_scheme" in m:
            want = o.get("label-scheme", SCHEME_DEFAULT[o["target"]]).lower()
            if m["label_scheme"] != want:
                bad(case, "%s: label_scheme %s, expected %s" % (m["id"], m["label_scheme"], want))
        if "layout" in m and m["layout"] != o["layout"]:
            bad(case, "%s: layout column %s, expected %s" % (m["id"], m["layout"], o["layout"]))
        sid = m["source_id"]
        arrays[m["id"]] = (sid, sf, valid, x, y)
        check_sample(case, o, ds, m, sid, sf, valid, x, y, clip_counts)
    if o:
        native = o["frame-size"] == "native"
        if resets and not native:
            bad(case, "positions not increasing in delivery order")
        if o["clip-start"] == "all" and o["video"] == "true" and o["limit"] == "0" and o["world"] == "1":
            for sid, (n, span) in sorted(clip_counts.items()):
                frames = ds.frames(sid)
                want = max(1, frames // span)
                if n != want:
                    bad(case, "%s: %d clips with --clip-start all, expected %d (%d frames, span %d)"
                        % (sid, n, want, frames, span))
    return arrays


def check_sample(case, o, ds, m, sid, sf, valid, x, y, clip_counts):
    name = m["id"]
    video = o["video"] == "true"
    C = int(o["channels"])
    native = o["frame-size"] == "native"
    if native:
        H, W = ds.native(sid)
    else:
        H, W = [int(v) for v in o["frame-size"].lower().split("x")]
    T = int(o["clip-length"])
    xdt = "uint8" if o["dtype"] == "uint8" else "float32"
    if video:
        shape = (C, T, H, W) if o["layout"] == "cthw" else (T, C, H, W)
    else:
        shape = (C, H, W)
    if str(x.dtype) != xdt or x.shape != shape:
        bad(case, "%s: x %s%s, expected %s%s" % (name, x.dtype, x.shape, xdt, shape))
        return
    ydt, yshape = Y_SPEC[o["target"]]
    yshape = (H, W) if yshape == "mask" else yshape
    if str(y.dtype) != ydt or y.shape != yshape:
        bad(case, "%s: y %s%s, expected %s%s" % (name, y.dtype, y.shape, ydt, yshape))
        return
    # frames as [T, C, H, W]
    fr = x[None] if not video else (x.transpose(1, 0, 2, 3) if o["layout"] == "cthw" else x)
    # value range, gray replicated over channels
    if xdt == "float32":
        for c in range(C):
            g = gray_levels(fr[:valid, c], c, o)
            if g.size and (g.min() < -1e-3 or g.max() > 255 + 1e-3):
                bad(case, "%s: channel %d values %.4f..%.4f outside the %s range" % (
                    name, c, fr[:valid, c].min(), fr[:valid, c].max(),
                    "normalized" if o["normalize"] == "true" else "[0,1]"))
    if C == 3:
        g0 = gray_levels(fr[:valid, 0], 0, o)
        for c in (1, 2):
            dmax = np.abs(gray_levels(fr[:valid, c], c, o) - g0).max() if valid else 0
            if dmax > 1e-3:
                bad(case, "%s: channel %d is not channel 0's gray (max %.4f levels)" % (name, c, dmax))
    # source frames, padding
    if not video:
        if len(sf) != 1 or valid != 1:
            bad(case, "%s: still with source_frames %s valid %d" % (name, sf, valid))
    else:
        if len(sf) != T:
            bad(case, "%s: %d source frames for %d-frame clips" % (name, len(sf), T))
            return
        n = ds.frames(sid)
        file_fps = ds.file_fps(sid)
        fps = float(o["fps"]) or file_fps
        step = file_fps / fps
        want = [sf[0] + int(math.floor(i * step + 1e-9)) for i in range(T)]
        if sf != want:
            bad(case, "%s: source frames %s, expected start + floor(i*%g/%g): %s" % (name, sf, file_fps, fps, want))
        # planning counts FileList's frames (random range, clips of `all`), the file decides what is padding
        held = ds.file_frames(sid)
        real = sum(1 for f in sf if f < held)
        if valid != real:
            bad(case, "%s: valid_frames %d, but %d source frames lie in the %d-frame video%s" % (
                name, valid, real, held, " (its index says %d)" % n if n != held else ""))
        if o["padding"] == "false" and valid != T:
            bad(case, "%s: padded clip with --padding false" % name)
        if valid < T and np.any(fr[valid:] != 0):
            bad(case, "%s: padding frames (positions %d..) are not all zero" % (name, valid))
        span = int(math.floor((T - 1) * step + 1e-9)) + 1
        if o["clip-start"] == "first" and sf[0] != 0:
            bad(case, "%s: --clip-start first, clip starts at %d" % (name, sf[0]))
        elif o["clip-start"] == "all" and o["world"] == "1":  # a rank's share: names count over every rank's
            k = clip_counts.get(sid, (0, span))[0]
            if sf[0] != k * span:
                bad(case, "%s: clip %d of %s starts at %d, expected %d (span %d)" % (name, k, sid, sf[0], k * span,
                                                                                     span))
            if k == 0 and name != sid:
                bad(case, "%s: first clip of %s not named %s" % (name, sid, sid))
            elif k > 0 and not re.fullmatch(re.escape(sid) + "_+" + str(k), name):
                bad(case, "%s: clip %d of %s not named %s_%d" % (name, k, sid, sid, k))
            clip_counts[sid] = (k + 1, span)
        elif o["clip-start"] == "random" and not (0 <= sf[0] <= max(0, n - span)):
            bad(case, "%s: random start %d outside 0..%d" % (name, sf[0], max(0, n - span)))
    if valid and not np.any(fr[:valid] != fr[0, 0, 0, 0]):
        bad(case, "%s: x is constant" % name)
    # labels
    t = o["target"]
    dsn = o["dataset"]
    if dsn in ("echonet", "camus"):
        es, ed = ds.es_ed(sid)
        if not video:
            want_frame = 0 if dsn == "echonet" and t != "LV_seg" else ed
            if sf != [want_frame]:
                bad(case, "%s: still of source frame %s, expected %d (%s)" % (
                    name, sf, want_frame, "first frame" if want_frame == 0 else "ED"))
        if t == "EF":
            if y[0] != np.float32(ds.ef(sid)):
                bad(case, "%s: EF %r, index says %r" % (name, float(y[0]), ds.ef(sid)))
        elif t == "CM":
            if int(y[0]) != int(ds.ef(sid) < 50):
                bad(case, "%s: CM %d, EF %r" % (name, int(y[0]), ds.ef(sid)))
        elif t == "ES/ED":
            if video:
                want = [sf.index(f) if f in sf[:valid] else -1 for f in (es, ed)]
            else:
                want = [es, ed]
            if list(y) != want:
                bad(case, "%s: ES/ED %s, expected %s (ES %d, ED %d, source frames %s)" % (
                    name, list(y), want, es, ed, sf))
        elif t == "view" and dsn == "camus":
            if int(y[0]) != {"2CH": 0, "4CH": 1}[sid.rsplit("_", 1)[1]]:
                bad(case, "%s: view %d" % (name, int(y[0])))
        elif t.endswith("_seg"):
            if dsn == "echonet":
                src = ds.mask(sid)
            else:
                gt = ds.image(sid, "ED_gt")
                src = None if gt is None else (gt == CAMUS_LABEL[t]).astype(np.uint8)
            if not set(np.unique(y).tolist()) <= {0, 1}:
                bad(case, "%s: mask values %s, not 0/1" % (name, np.unique(y).tolist()))
            elif src is not None:
                want = nearest_mask(src, H, W)
                diff = int((want != y).sum())
                if diff:
                    bad(case, "%s: mask differs from the %s in %d of %d pixels (%d vs %d set)" % (
                        name, "tracing" if dsn == "echonet" else "gt label %d" % CAMUS_LABEL[t], diff, y.size,
                        int(y.sum()), int(want.sum())))
            if not y.any() and (src is None or src.any()) and y.size > 16:
                bad(case, "%s: empty mask" % name)
        # pixels against the source: CAMUS images read here, EchoNet AVIs decoded by ffmpeg
        if dsn == "echonet":
            check_echonet_pixels(case, name, ds, sid, sf, valid, fr, H, W, o)
        elif dsn == "camus":
            src = ds.image(sid, "ED") if not video else ds.image(sid, "sequence")
            if src is not None:
                for i, f in enumerate(sf[:valid]):
                    img = src if not video else src[f]
                    compare_pixels(case, name + " frame %d" % i, img, fr[i], H, W, o)
    elif dsn == "tmed":
        r = ds.rows[sid]
        scheme = o.get("label-scheme", SCHEME_DEFAULT[t]).lower()
        label = r["view_label"] if t == "view" else r["diagnosis_label"]
        want = SCHEMES[t][scheme].get(label)
        if want is None or int(y[0]) != want:
            bad(case, "%s: %s %d, %s says %s = %s under %s" % (name, t, int(y[0]), "fold file", label, want, scheme))
        if sf != [0]:
            bad(case, "%s: source_frames %s for an image" % (name, sf))
        img = ds.png(sid)
        if img is not None:
            compare_pixels(case, name, img, fr[0], H, W, o)


def pixel_error(img, frame, H, W, o):
    """(excess, channel, largest |output - expected| in gray levels, what is allowed) of an output frame
    [C, H, W] against the source image img, for its worst channel: excess > 0 is a mismatch. None when
    expected_pixels does not model the filter."""
    want, tol = expected_pixels(img, H, W, o)
    if want is None:
        return None
    allowed = np.full(want.shape, tol + 1e-3)  # 1e-3: float32 output read back in double
    if o["dtype"] == "uint8" and tol:
        # docs: computed in float, uint8 rounds it half up; where the float result is within tol of a half
        # either neighbour is float rounding
        frac = want - np.floor(want)
        want = np.floor(want + 0.5)
        allowed = np.where(np.abs(frac - 0.5) <= tol, 1.0, 0.0) + 1e-3
    worst = None
    for c in range(frame.shape[0]):
        diff = np.abs(gray_levels(frame[c], c, o) - want)
        e = (float((diff - allowed).max()), c, float(diff.max()))
        worst = e if worst is None or e[0] > worst[0] else worst
    what = "rounded half up" if o["dtype"] == "uint8" and tol else "%g levels" % tol
    return worst + (what,)


def compare_pixels(case, name, img, frame, H, W, o, what="the source image", hint=None):
    """Reports a frame that is not img resized and normalized as documented; True when it is, None when the
    filter is not modelled. hint(): extra words for the report (which source frame it does match)."""
    e = pixel_error(img, frame, H, W, o)
    if e is None:
        return None
    excess, c, d, allowed = e
    if excess > 0:
        bad(case, "%s channel %d: pixels differ from %s by up to %.3f gray levels (allowed: %s)%s" % (
            name, c, what, d, allowed, hint() if hint else ""))
        return False
    return True


def check_echonet_pixels(case, name, ds, sid, sf, valid, fr, H, W, o):
    """Each exported frame against the AVI frame the manifest names, decoded by ffmpeg (a random start is
    recorded in source_frames like any other, so it is checked the same way)."""
    if decoder is None or decoder.reason:
        return
    frames, err = decoder.gray(ds.video_path(sid))
    if err:
        bad(case, "%s: its AVI cannot be decoded to check pixels: %s" % (name, err))
        return
    clip = o["video"] == "true"
    for i, f in enumerate(sf[:valid]):
        where = "%s position %d (source frame %d)" % (name, i, f) if clip else "%s (source frame %d)" % (name, f)
        if f >= len(frames):
            bad(case, "%s: the video has only %d frames (ffmpeg)" % (where, len(frames)))
            return

        def hint(i=i):  # which frame of the video it is, if any: a shifted or swapped clip says so
            errs = [pixel_error(g, fr[i], H, W, o) for g in frames]
            k = min(range(len(frames)), key=lambda j: errs[j][0])
            if errs[k][0] <= 0:
                return "; it is source frame %d" % k
            return "; no frame of %s matches it (closest: frame %d, up to %.3f levels)" % (sid, k, errs[k][2])
        r = compare_pixels(case, where, frames[f], fr[i], H, W, o, "the AVI's frame (ffmpeg)", hint)
        if r is None:
            decoder.unmodeled += 1
            return
        if not r:
            return  # one line per sample
        decoder.frames += 1
    decoder.samples += 1


# ------------------------------------------------------------------------------- exports of the same selection


# options that change no sample's content; shuffle and threads included: docs/sampling.md seeds a random clip start
# by (seed, epoch, sample id), "independent of the order and of which thread decodes"
SHAPE_KEYS = {"dtype", "normalize", "channels", "layout", "out", "report", "quiet", "threads", "batch", "prefetch",
              "limit", "resume", "rank", "world", "shuffle"}


def cross_check(cases):
    groups = {}
    for name, (o, arrays) in cases.items():
        if o is None or o["resize"] != "nearest" and o["frame-size"] not in (
                "native", "112x112"):
            continue
        key = tuple(sorted((k, v) for k, v in o.items() if k not in SHAPE_KEYS))
        groups.setdefault(key, []).append(name)
    for names in groups.values():
        if len(names) < 2:
            continue
        ref = names[0]
        ro, ra = cases[ref]
        for other in names[1:]:
            oo, oa = cases[other]
            common = sorted(set(ra) & set(oa))
            if not common:
                continue
            worst = 0.0
            for i in common:
                rx, ox = ra[i][3], oa[i][3]
                rf = rx[None] if ro["video"] != "true" else (rx.transpose(1, 0, 2, 3) if ro["layout"] == "cthw" else rx)
                of = ox[None] if oo["video"] != "true" else (ox.transpose(1, 0, 2, 3) if oo["layout"] == "cthw" else ox)
                if ra[i][1] != oa[i][1]:
                    bad(other, "%s: source frames differ from %s's" % (i, ref))
                    continue
                for c in range(of.shape[1]):
                    worst = max(worst, float(np.abs(gray_levels(of[:, c], c, oo)
                                                    - gray_levels(rf[:, min(c, rf.shape[1] - 1)], 0 if rf.shape[1] == 1
                                                                  else c, ro)).max()))
                if not np.array_equal(ra[i][4], oa[i][4]):
                    bad(other, "%s: y differs from %s's" % (i, ref))
            note("%s vs %s: %d samples, max %.5f gray levels apart" % (other, ref, len(common), worst))
            if worst > 1e-3:
                bad(other, "pixels of %s and %s (same samples, other dtype/normalize/channels/layout) differ by up "
                           "to %.4f gray levels" % (ref, other, worst))


# ------------------------------------------------------------------------------------------------------- split


def sklearn_split(n_items, train_frac, val_frac, seed, shuffle):
    def tts(a, train_size):
        n = len(a)
        n_train = int(math.floor(train_size * n))
        n_test = n - n_train
        if n_train == 0 or n_test == 0:
            return None
        if not shuffle:
            return a[:n_train], a[n_train:]
        perm = np.random.RandomState(seed).permutation(n)
        return a[perm[n_test:n_test + n_train]], a[perm[:n_test]]
    first = tts(np.arange(n_items), train_frac)
    if first is None:
        return None
    train, rest = first
    second = tts(rest, val_frac / (1 - train_frac))
    if second is None:
        return None
    return train, second[0], second[1]


def check_split(case, d, o, out):
    lists = {}
    for part in ("train", "val", "test"):
        p = os.path.join(d, part + ".csv")
        if not os.path.exists(p):
            bad(case, "%s.csv missing" % part)
            return
        with open(p, newline="", encoding="utf-8") as f:
            lists[part] = [r[0] for r in csv.reader(f) if r]
    extra = set(os.listdir(d)) - {"train.csv", "val.csv", "test.csv"}
    if extra:
        bad(case, "stray files %s" % sorted(extra))
    m = re.search(r"SPLIT samples=(\d+) train=(\d+) val=(\d+) test=(\d+) seed=(\d+) random=(\w+)", out or "")
    if out is not None and not m:
        bad(case, "no SPLIT line in its output")
    allids = lists["train"] + lists["val"] + lists["test"]
    if len(set(allids)) != len(allids):
        bad(case, "an id is in two parts (or twice in one)")
    if m and [int(m.group(i)) for i in (1, 2, 3, 4)] != [len(allids)] + [len(lists[p]) for p in
                                                                       ("train", "val", "test")]:
        bad(case, "SPLIT line %r disagrees with the files (%d/%d/%d)" % (m.group(0), len(lists["train"]),
                                                                       len(lists["val"]), len(lists["test"])))
    if not o:
        return
    sel = open_dataset(o).selection(o)
    if sorted(sel) != sorted(allids):
        bad(case, "the three files hold %d ids, the selection %d (%s)" % (
            len(allids), len(sel), sorted(set(sel) ^ set(allids))[:4]))
        return
    seed = int(o.get("seed", "42"))
    got = sklearn_split(len(sel), float(o.get("train-frac", "0.5")), float(o.get("val-frac", "0.1")), seed,
                        o.get("random", "true") == "true")
    if got is None:
        bad(case, "scikit-learn would refuse this split")
        return
    for part, idx in zip(("train", "val", "test"), got):
        want = [sel[i] for i in idx]
        if lists[part] != want:
            bad(case, "%s.csv differs from scikit-learn's train_test_split (seed %d) on the selection in index "
                      "order: %s... vs %s..." % (part, seed, lists[part][:3], want[:3]))
    note("split %d/%d/%d as scikit-learn's" % tuple(len(lists[p]) for p in ("train", "val", "test")))


# -------------------------------------------------------------------------------------------------------- main


def side(d, ext):
    p = d.rstrip("/") + ext
    return p if os.path.exists(p) else None


def main(argv):
    global verbose, decoder
    verbose = "--verbose" in argv
    ffmpeg = "ffmpeg"
    if "--ffmpeg" in argv:
        i = argv.index("--ffmpeg")
        ffmpeg = argv[i + 1] if i + 1 < len(argv) else ""
        argv = argv[:i] + argv[i + 2:]
    decoder = AviDecoder(ffmpeg or "none")
    dirs = [a for a in argv if a != "--verbose"]
    if not dirs:
        print(__doc__)
        return 2
    found = []
    for top in dirs:
        if any(os.path.exists(os.path.join(top, f)) for f in ("manifest.csv", "train.csv")):
            found.append(top)
        else:
            found += [os.path.join(top, s) for s in sorted(os.listdir(top))
                      if any(os.path.exists(os.path.join(top, s, f)) for f in ("manifest.csv", "train.csv"))]
    for top in dirs:  # a command line kept without its folder: that run failed
        if os.path.isdir(top) and not os.path.exists(os.path.join(top, "manifest.csv")):
            for f in sorted(os.listdir(top)):
                if f.endswith(".args") and not os.path.isdir(os.path.join(top, f[:-5])):
                    bad(f[:-5], "%s has no folder %s: the command failed" % (f, f[:-5]))
    cases = {}
    for d in found:
        case = os.path.basename(d.rstrip("/"))
        a = side(d, ".args")
        o = None
        if a:
            with open(a, encoding="utf-8") as f:
                o = parse_args([l.rstrip("\n") for l in f if l.strip()])
        out = open(side(d, ".stdout"), encoding="utf-8").read() if side(d, ".stdout") else None
        rep = read_csv(side(d, ".report.csv")) if side(d, ".report.csv") else None
        n0 = len(problems)
        if os.path.exists(os.path.join(d, "train.csv")):
            check_split(case, d, o, out)
            kind = "split"
        else:
            cases[case] = (o, check_export(case, d, o, out, rep))
            kind = "export, %d samples" % len(cases[case][1]) if o else "export (format only: no .args)"
        print("%-4s %s (%s)" % ("ok" if len(problems) == n0 else "FAIL", case, kind))
    cross_check(cases)
    echonet = sum(1 for o, _ in cases.values() if o and o["dataset"] == "echonet")
    if not echonet:
        pixels = ""
    elif decoder.reason:
        # one line: CI shows the last three, and a skipped check must not read as a passed one
        print("SKIPPED EchoNet pixels against the AVIs in %d exports: %s" % (echonet, decoder.reason))
        pixels = "; EchoNet pixels vs AVIs SKIPPED"
    else:
        pixels = "; EchoNet pixels vs AVIs: %d frames of %d samples (%s%s)" % (
            decoder.frames, decoder.samples, decoder.version,
            ", %d samples of an unmodelled filter" % decoder.unmodeled if decoder.unmodeled else "")
    print("checked %d folders: %s%s" % (len(found), "%d mismatches" % len(problems) if problems
                                         else "all as documented", pixels))
    return 1 if problems or not found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
