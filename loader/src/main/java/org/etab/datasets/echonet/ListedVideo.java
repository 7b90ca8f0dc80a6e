package org.etab.datasets.echonet;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.etab.source.IndexProblem;
import org.etab.source.Split;

/**
 * One FileList row while {@link EchoNetReader} reads both files: its values, then its tracing groups as
 * VolumeTracings.csv names them; {@link #toRecord} turns it into an {@link EchoNetRecord}, or says why it cannot be
 * one. Confined to the reading thread.
 */
final class ListedVideo {
    final String id;
    final long line;
    boolean dropped;
    Path video;
    double ef;
    float esv;
    float edv;
    int height;
    int width;
    double fps;
    int frames;
    Split split;
    /** The first malformed tracing row of this video, or null. */
    String badTracing;
    /**
     * The first traced frame (ES) and the last one so far (ED), in order of first appearance: the only two the record
     * uses, so the only two whose rows are kept. A frame between them is only remembered as seen ({@link #seen}), so
     * that its later rows are not taken for a new last frame. (Every group was kept before: a crafted file naming a
     * new frame on every row cost ~570 bytes of heap per ~38-byte row, a 155 MB file 2.8 GB of RSS.)
     */
    TraceGroup first;

    TraceGroup last;
    /** The distinct frames traced, first and last included. */
    private final FrameSet seen = new FrameSet();

    ListedVideo(String id, long line) {
        this.id = id;
        this.line = line;
    }

    /**
     * The group a row of {@code frame} belongs to, or null when the frame is neither the first nor the last traced
     * one (its rows are not used).
     */
    TraceGroup group(int frame, long line) {
        if (last != null && last.frame == frame) {
            return last;
        }
        if (first != null && first.frame == frame) {
            return first;
        }
        if (!seen.add(frame)) {
            return null; // a frame between the first and the last
        }
        TraceGroup g = new TraceGroup(frame, line);
        if (first == null) {
            first = g;
        }
        last = g; // the former last, unless it is the first, is now between them: its rows are dropped
        return g;
    }

    /** The record, or null after adding the reason this video cannot be used to {@code problems}. */
    EchoNetRecord toRecord(List<IndexProblem> problems, List<EchoNetIndex.Rejected> rejected) {
        // a frame with only its long axis still marks ES or ED, as the reference keeps it; only its mask is
        // missing, and EchoNetSource fails LV_seg samples for it
        String reason = badTracing;
        if (reason == null && first == last) {
            reason = first == null
                    ? "no traced frames; ES and ED need two"
                    : "only one traced frame (frame " + first.frame + " at line " + first.firstLine
                            + "); ES and ED need two";
        }
        if (reason != null) {
            IndexProblem p = new IndexProblem(id, EchoNetReader.TRACINGS, reason);
            problems.add(p);
            rejected.add(new EchoNetIndex.Rejected(p, split));
            return null;
        }
        return new EchoNetRecord(
                id, video, ef, esv, edv, height, width, fps, frames, split, first.toTracing(), last.toTracing());
    }

    /**
     * A set of ints, open addressing in one array (4 bytes a slot, at most half full): no boxing, no node per frame.
     * Slots come from a multiplier drawn per set, so that a file cannot choose frames that crowd one run of slots
     * (linear probing would then take time quadratic in the frames).
     */
    static final class FrameSet {
        private static final int FREE = Integer.MIN_VALUE; // frames are >= 0
        private final int multiplier = ThreadLocalRandom.current().nextInt() | 1;
        private int[] slots = filled(8);
        private int size;

        /** Adds {@code frame} (>= 0); true when it was not there. */
        boolean add(int frame) {
            if (2 * (size + 1) > slots.length) {
                int[] old = slots;
                slots = filled(old.length * 2);
                for (int f : old) {
                    if (f != FREE) {
                        slots[slot(f)] = f;
                    }
                }
            }
            int i = slot(frame);
            if (slots[i] == frame) {
                return false;
            }
            slots[i] = frame;
            size++;
            return true;
        }

        int size() {
            return size;
        }

        /** The slot holding {@code frame}, or the free slot where it goes. */
        private int slot(int frame) {
            int mask = slots.length - 1;
            int i = (frame * multiplier) >>> (Integer.numberOfLeadingZeros(slots.length) + 1); // the top bits
            while (slots[i] != FREE && slots[i] != frame) {
                i = (i + 1) & mask;
            }
            return i;
        }

        private static int[] filled(int n) {
            int[] a = new int[n];
            Arrays.fill(a, FREE);
            return a;
        }
    }
}
