package org.etab.cli;

import java.util.ArrayList;
import java.util.List;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;

/**
 * The size groups of an export in export order (one, unless native sizes differ), each with its share of
 * {@code --limit} and where its schedule starts in the export's one sequence over all groups. The resume state
 * counts that sequence, so a resumed export skips the groups that were done and starts inside the one it stopped in.
 */
final class ExportGroups {
    private ExportGroups() {}

    /**
     * One size group's part of the export.
     *
     * @param index   its place in export order, as {@link ExportIds#select} takes it
     * @param data    the opened group
     * @param options the pipeline options, with the limit that is left for this group
     * @param offset  where its schedule starts in the export's sequence
     * @param size    its schedule's length for this rank
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
     * @param limit shared by the groups in export order: each takes what the ones before it left; 0: none
     */
    static List<Group> plan(List<OpenedDataset> groups, PipelineOptions options, int epoch, ExportIds ids) {
        List<Group> planned = new ArrayList<>();
        long left = options.limit();
        long offset = 0;
        for (int g = 0; g < groups.size() && (options.limit() <= 0 || left > 0); g++) {
            PipelineOptions groupOptions =
                    options.limit() > 0 ? options.toBuilder().limit(left).build() : options;
            List<Pipeline.Scheduled> schedule;
            try (Pipeline p = new Pipeline(groups.get(g).source(), groupOptions)) {
                schedule = p.schedule(epoch, 0, groupOptions.batchSize());
            }
            ids.assign(g, offset, schedule);
            planned.add(new Group(g, groups.get(g), groupOptions, offset, schedule.size()));
            offset += schedule.size();
            left -= schedule.size();
        }
        return planned;
    }
}
