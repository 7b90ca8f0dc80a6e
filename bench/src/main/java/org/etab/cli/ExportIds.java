package org.etab.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.etab.batch.SampleInfo;
import org.etab.pipeline.Pipeline;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SamplePlan;
import org.etab.source.Stage;

/**
 * The file ids of an export: a sample's own id for its first occurrence in the epoch's order, then {@code <id>_1},
 * {@code <id>_2}, ... for the later ones (the clips of {@code --clip-start all}). A generated id that names a real
 * sample of the selection (a FileName {@code X_1} beside a video {@code X}) gets one more underscore until it names
 * none ({@code X__1}), so no two samples share a file. Assigned from the epoch's whole order, every rank's part of it,
 * so that every rank of a sharded export and a resumed export name each sample as a one-rank, uninterrupted export
 * would; a sharding repeat is the sample it repeats and keeps its name (the report flags it). An id too long to name
 * its files fails that sample alone ({@link #unwritable}), not the export.
 *
 * <p>Size groups (native sizes that differ) are named in export order, all before the export starts; each group's
 * positions count from 0, so a delivered sample is looked up in the group {@link #select selected}.
 *
 * <p>Threading: filled before the export starts, then read on the consumer's thread.
 */
final class ExportIds {
    private final Set<String> real;
    private final Set<String> used = new HashSet<>();
    private final Map<String, Integer> occurrences = new HashMap<>();
    private final Map<Key, Named> byPosition = new HashMap<>();
    private final Map<Place, Named> bySequence = new HashMap<>();
    private final List<Slot> slots = new ArrayList<>();
    private int group;

    /**
     * The longest file name, in bytes, that common file systems take (NAME_MAX of ext4, XFS, btrfs, tmpfs, ZFS). An id
     * whose video can be named ({@code <id>.avi}) may still be too long for export's {@code <id>.x.npy.tmp}.
     */
    static final int MAX_NAME_BYTES = 255;

    /** The longest name export gives a sample's files: its input array's temporary file, {@code <id>.x.npy.tmp}. */
    static final String LONGEST_SUFFIX = ".x.npy.tmp";

    /**
     * A sample in one epoch's sequence: its size group, its place in the group's epoch order, and whether it is a
     * sharding repeat.
     */
    private record Key(int group, long position, boolean repeat) {}

    /**
     * A scheduled sample of the export, in export order.
     *
     * @param sequence its place in the export's one sequence over all size groups (what the resume state counts)
     * @param name     its file id
     * @param id       its sample id
     */
    record Slot(long sequence, String name, String id) {}

    /** A sample's place in its size group's sequence, where a failure names it. */
    private record Place(int group, long sequence) {}

    /** A sample's file id and where it stands in the schedule. */
    private record Named(String name, Pipeline.Scheduled scheduled) {}

    /** @param real every sample id of the selection (all ranks, all size groups) */
    ExportIds(Set<String> real) {
        this.real = Set.copyOf(real);
    }

    /**
     * Names the samples of one size group's schedule; call once per group, in export order.
     *
     * @param group      the group's index in export order
     * @param offset     where the group's sequence starts in the export's one sequence
     * @param schedule   this rank's whole schedule of the group, from position 0
     * @param epochOrder the group's plans for the epoch, every rank's: what the names are counted over
     */
    void assign(int group, long offset, List<Pipeline.Scheduled> schedule, List<SamplePlan> epochOrder) {
        Map<Long, String> byOrder = new HashMap<>();
        epochOrder.stream()
                .sorted(Comparator.comparingLong(SamplePlan::position))
                .forEach(p -> byOrder.put(p.position(), next(p.id())));
        for (Pipeline.Scheduled s : schedule) {
            String name = byOrder.get(s.plan().position());
            if (name == null) {
                throw new IllegalStateException("sample " + s.plan().id() + " at position "
                        + s.plan().position() + " is not in the epoch's order");
            }
            Named named = new Named(name, s);
            bySequence.put(new Place(group, s.sequence()), named);
            if (byPosition.putIfAbsent(new Key(group, s.plan().position(), s.repeat()), named) == null) {
                slots.add(new Slot(offset + s.sequence(), name, s.plan().id()));
            }
        }
    }

    /** The file id of the next occurrence of {@code id} in export order. */
    private String next(String id) {
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
        return name;
    }

    /** Answers {@link #of(SampleInfo)} and {@link #unwritable} for the samples of this group from now on. */
    void select(int group) {
        this.group = group;
    }

    /** {@return every sample named, in export order} */
    List<Slot> slots() {
        return List.copyOf(slots);
    }

    /** The file id of a delivered sample of the group selected. */
    String of(SampleInfo info) {
        return named(info).name();
    }

    /**
     * A failure of the group selected, renamed to its sample's file id, so that the report's rows name what the
     * manifest names; a failure outside the schedule keeps its sample id.
     */
    SampleFailure named(SampleFailure f) {
        Named n = bySequence.get(new Place(group, f.sequence()));
        if (n == null || n.name().equals(f.id())) {
            return f;
        }
        return new SampleFailure(n.name(), f.file(), f.stage(), f.reason(), f.epoch(), f.sequence(), f.repeat());
    }

    /**
     * A stop under {@code --on-error fail} naming the sample by its file id ({@code X_2} of {@code --clip-start all}),
     * as its report row does, rather than by its record's; anything else as it came. The stop carries its failure
     * ({@link SampleException#failure()}): two clips of one video failing alike have the same message.
     */
    RuntimeException underFileId(RuntimeException e) {
        if (e instanceof SampleException stop && stop.failure().isPresent()) {
            SampleFailure f = stop.failure().get();
            SampleFailure named = named(f);
            return named == f ? e : new SampleException(named);
        }
        return e;
    }

    /**
     * Why a delivered sample's files cannot be written, as its failure (stage {@code plan}: its id alone decides,
     * before any I/O), or null when they can: its file id is too long for a file name once the longest suffix is on.
     * Checked before writing, because the file system's refusal would stop the whole export.
     */
    SampleFailure unwritable(SampleInfo info) {
        Named n = named(info);
        int bytes = n.name().getBytes(StandardCharsets.UTF_8).length;
        int most = MAX_NAME_BYTES - LONGEST_SUFFIX.length();
        if (bytes <= most) {
            return null;
        }
        String suffix =
                n.name().startsWith(info.id()) ? n.name().substring(info.id().length()) : "";
        return new SampleFailure(
                n.name(),
                n.scheduled().plan().file(),
                Stage.PLAN,
                "id too long for a file name: " + bytes + " bytes"
                        + (suffix.isEmpty() ? "" : " with its suffix " + suffix) + ", at most " + most + " ("
                        + MAX_NAME_BYTES + " with " + LONGEST_SUFFIX + ")",
                info.epoch(),
                n.scheduled().sequence(),
                n.scheduled().repeat());
    }

    private Named named(SampleInfo info) {
        Named n = byPosition.get(new Key(group, info.position(), info.repeat()));
        if (n == null) {
            throw new IllegalStateException(
                    "sample " + info.id() + " at position " + info.position() + " is not in the export's schedule");
        }
        return n;
    }
}
