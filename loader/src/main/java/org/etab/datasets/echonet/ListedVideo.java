package org.etab.datasets.echonet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** Traced frames in order of first appearance; nearly always two. */
    final List<TraceGroup> groups = new ArrayList<>(2);
    /** The groups by frame: a crafted file naming a new frame on every row must not cost a scan per row. */
    final Map<Integer, TraceGroup> byFrame = new HashMap<>(4);

    TraceGroup lastGroup;

    ListedVideo(String id, long line) {
        this.id = id;
        this.line = line;
    }

    TraceGroup group(int frame, long line) {
        if (lastGroup != null && lastGroup.frame == frame) {
            return lastGroup;
        }
        TraceGroup g = byFrame.get(frame);
        if (g == null) {
            g = new TraceGroup(frame, line);
            groups.add(g);
            byFrame.put(frame, g);
        }
        lastGroup = g;
        return g;
    }

    /** The record, or null after adding the reason this video cannot be used to {@code problems}. */
    EchoNetRecord toRecord(List<IndexProblem> problems, List<EchoNetIndex.Rejected> rejected) {
        // a frame with only its long axis still marks ES or ED, as the reference keeps it; only its mask is
        // missing, and EchoNetSource fails LV_seg samples for it
        String reason = badTracing;
        if (reason == null && groups.size() < 2) {
            reason = groups.isEmpty()
                    ? "no traced frames; ES and ED need two"
                    : "only one traced frame (frame " + groups.get(0).frame + " at line " + groups.get(0).firstLine
                            + "); ES and ED need two";
        }
        if (reason != null) {
            IndexProblem p = new IndexProblem(id, EchoNetReader.TRACINGS, reason);
            problems.add(p);
            rejected.add(new EchoNetIndex.Rejected(p, split));
            return null;
        }
        return new EchoNetRecord(
                id,
                video,
                ef,
                esv,
                edv,
                height,
                width,
                fps,
                frames,
                split,
                groups.get(0).toTracing(),
                groups.get(groups.size() - 1).toTracing());
    }
}
