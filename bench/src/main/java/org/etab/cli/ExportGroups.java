package org.etab.cli;

import java.util.ArrayList;
import java.util.List;
import org.etab.batch.BatchPool;
import org.etab.batch.TensorSpec;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;

/**
 * The size groups of an export in export order (one, unless native sizes differ), each with its share of the
 * export and where its schedule starts in the export's one sequence over all groups. {@code --limit} and
 * {@code --drop-last} cut that one sequence, not each group (most CAMUS groups are smaller than a batch); the resume
 * state counts it, so a resumed export skips the groups that were done and starts inside the one it stopped in.
 * Sharding several groups is refused: each group's pipeline would shard and pad it on its own.
 */
final class ExportGroups {
    private ExportGroups() {}

    /**
     * One size group's part of the export.
     *
     * @param index   its place in export order, as {@link ExportIds#select} takes it
     * @param data    the opened group
     * @param options the pipeline options, with the limit that is this group's share
     * @param offset  where its schedule starts in the export's sequence
     * @param size    its schedule's length for this rank; 0: nothing of it is exported (only its index rows
     *                reported)
     */
    record Group(int index, OpenedDataset data, PipelineOptions options, long offset, long size) {
        /** {@return where this group starts when the export resumes at {@code resumeAt}: 0 to {@code size}} */
        long startAt(long resumeAt) {
            return Math.min(size, Math.max(0, resumeAt - offset));
        }
    }

    /**
     * Plans every group's schedule (reading no file) and names its samples in {@code ids}, in export order.
     *
     * @throws IllegalArgumentException when several groups are to be sharded among ranks
     */
    static List<Group> plan(List<OpenedDataset> groups, PipelineOptions options, int epoch, ExportIds ids) {
        if (groups.size() == 1) {
            List<Pipeline.Scheduled> schedule = schedule(groups.get(0), options, epoch);
            ids.assign(0, 0, schedule, groups.get(0).source().plan(epoch));
            return List.of(new Group(0, groups.get(0), options, 0, schedule.size()));
        }
        if (options.sharding().world() > 1) {
            throw new IllegalArgumentException("--rank/--world with --frame-size native, whose " + groups.size()
                    + " size groups are exported one after the other, is not supported: export with --frame-size LxW"
                    + " to shard, or without --rank/--world");
        }
        PipelineOptions each = options.toBuilder().dropLast(false).limit(0).build();
        long budget = options.limit() > 0 ? options.limit() : Long.MAX_VALUE;
        if (options.dropLast() && options.batchSize() > 1) {
            long total = 0;
            for (OpenedDataset g : groups) {
                total += schedule(g, each, epoch).size();
            }
            total = Math.min(total, budget);
            budget = total / options.batchSize() * options.batchSize();
        }
        boolean bounded = budget != Long.MAX_VALUE;
        List<Group> planned = new ArrayList<>();
        long offset = 0;
        for (int g = 0; g < groups.size(); g++) {
            long left = budget - offset;
            if (left <= 0) {
                if (g == 0) { // the first group reports the selection's index rows, even when none of it is exported
                    planned.add(new Group(0, groups.get(0), each, 0, 0));
                }
                break;
            }
            PipelineOptions share = bounded ? each.toBuilder().limit(left).build() : each;
            List<Pipeline.Scheduled> schedule = schedule(groups.get(g), share, epoch);
            ids.assign(g, offset, schedule, groups.get(g).source().plan(epoch));
            planned.add(new Group(g, groups.get(g), share, offset, schedule.size()));
            offset += schedule.size();
        }
        return planned;
    }

    /**
     * The batch for an export whose batch size shapes no output (no {@code --batch}, no drop-last): the default, or
     * the largest smaller one whose pool takes at most half the native memory JavaCPP may allocate and whose tensors
     * stay under 2 GiB in every group, so that native-size clips (CAMUS sequences, hundreds of MB each) export
     * without a flag to tune.
     */
    static PipelineOptions fittingBatch(List<OpenedDataset> groups, PipelineOptions options) {
        int batch = options.batchSize();
        int buffers = options.batchesAhead() + options.consumerHeld();
        for (OpenedDataset g : groups) {
            TensorSpec features = g.source().features();
            TensorSpec labels = g.source().labels();
            batch = BatchPool.batchWithinHalf(features, labels, buffers, batch);
            long largest = Math.max(1, Math.max(features.bytes(), labels.bytes()));
            batch = (int) Math.max(1, Math.min(batch, Integer.MAX_VALUE / largest));
        }
        return batch == options.batchSize()
                ? options
                : options.toBuilder().batchSize(batch).build();
    }

    private static List<Pipeline.Scheduled> schedule(OpenedDataset group, PipelineOptions options, int epoch) {
        try (Pipeline p = new Pipeline(group.source(), options)) {
            return p.schedule(epoch, 0, options.batchSize());
        }
    }
}
