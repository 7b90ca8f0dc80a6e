package org.etab.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.etab.batch.SampleInfo;
import org.etab.pipeline.Pipeline;

/**
 * The file ids of an export: a sample's own id for its first occurrence in the sequence, then {@code <id>_1},
 * {@code <id>_2}, ... for the later ones (the clips of {@code --clip-start all}, sharding repeats). A generated id
 * that names a real sample of the selection (a FileName {@code X_1} beside a video {@code X}) gets one more
 * underscore until it names none ({@code X__1}), so no two samples share a file. Assigned in sequence order from
 * the epoch's whole schedule, so a resumed export names every sample as the uninterrupted one would.
 *
 * <p>Threading: filled before the export starts, then read on the consumer's thread.
 */
final class ExportIds {
    private final Set<String> real;
    private final Set<String> used = new HashSet<>();
    private final Map<String, Integer> occurrences = new HashMap<>();
    private final Map<Key, String> byPosition = new HashMap<>();

    /** A sample in one epoch's sequence: its place in the epoch's order, and whether it is a sharding repeat. */
    private record Key(long position, boolean repeat) {}

    /** @param real every sample id of the selection (all ranks, all size groups) */
    ExportIds(Set<String> real) {
        this.real = Set.copyOf(real);
    }

    /**
     * Names the samples of one pipeline's schedule (call once per size group, in export order, before exporting
     * it): {@link #of} then answers for this group, whose positions count from 0 like every group's.
     */
    void assign(List<Pipeline.Scheduled> schedule) {
        byPosition.clear();
        for (Pipeline.Scheduled s : schedule) {
            String id = s.plan().id();
            int k = occurrences.merge(id, 1, Integer::sum) - 1;
            String name = id;
            if (k > 0) {
                String sep = "_";
                while (real.contains(id + sep + k) || used.contains(id + sep + k)) {
                    sep += "_";
                }
                name = id + sep + k;
            }
            used.add(name);
            byPosition.putIfAbsent(new Key(s.plan().position(), s.repeat()), name);
        }
    }

    /** The file id of a delivered sample. */
    String of(SampleInfo info) {
        String name = byPosition.get(new Key(info.position(), info.repeat()));
        if (name == null) {
            throw new IllegalStateException(
                    "sample " + info.id() + " at position " + info.position() + " is not in the export's schedule");
        }
        return name;
    }

    /** The file id of a scheduled sample. */
    String of(Pipeline.Scheduled s) {
        return byPosition.get(new Key(s.plan().position(), s.repeat()));
    }
}
