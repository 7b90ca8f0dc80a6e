package org.etab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.etab.source.IndexProblem;

/**
 * Brings the {@code --report} of an interrupted run back to its saved resume state, so that the resumed run can
 * append to it: the header, the index's rejected rows (written again here, from the index as it is now, so they stay
 * first), then the sample rows that came before the state. Rows after it (a run stopped between writing a batch's
 * rows and saving its state) are dropped: the resumed run writes them again, once. Rewritten to a temporary name and
 * moved into place.
 *
 * <p>Which rows came before the state: the first {@code ResumeState.consumed} sample rows, since the report holds
 * them in batch order ({@link RunRecorder}); for a state that does not count them ({@code NOT_COUNTED}: saved by an
 * older etab), an export's own per-id account ({@link ExportRepair}), while {@code bench} refuses to continue the
 * report ({@link BenchResume}).
 */
final class ReportRepair {
    private ReportRepair() {}

    /** Which sample rows to keep, asked once per row in file order. */
    interface Keep {
        boolean keep(String id, String status);
    }

    /** The first {@code rows} sample rows. */
    static Keep first(long rows) {
        long[] left = {rows};
        return (id, status) -> left[0]-- > 0;
    }

    /**
     * Per id and status, as many rows as {@code left} says (counted down as rows are kept).
     *
     * @param left for each status ({@code delivered}, {@code failed}), the rows to keep per id
     */
    static Keep perId(Map<String, Map<String, Integer>> left) {
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        left.forEach((status, perId) -> counts.put(status, new HashMap<>(perId)));
        return (id, status) -> {
            Map<String, Integer> perId = counts.get(status);
            if (perId == null || perId.getOrDefault(id, 0) <= 0) {
                return false;
            }
            perId.merge(id, -1, Integer::sum);
            return true;
        };
    }

    /**
     * @param report   the report file; nothing happens when it does not exist
     * @param rejected the index's rejected rows for this rank (empty on ranks other than 0)
     * @return the sample rows kept, or -1 when there is no report to repair (the run starts a new one)
     */
    static long repair(Path report, List<IndexProblem> rejected, Keep keep) {
        if (!Files.exists(report)) {
            return -1;
        }
        List<List<String>> rows = ExportRepair.read(report);
        List<List<String>> kept = new ArrayList<>();
        kept.add(List.of(RunRecorder.HEADER));
        for (IndexProblem p : rejected) {
            kept.add(List.of(RunRecorder.rejectedRow(p)));
        }
        long samples = 0;
        for (List<String> row : rows.subList(Math.min(1, rows.size()), rows.size())) {
            if (row.size() < 2 || !(row.get(1).equals("delivered") || row.get(1).equals("failed"))) {
                continue;
            }
            if (keep.keep(row.get(0), row.get(1))) {
                kept.add(row);
                samples++;
            }
        }
        ExportRepair.write(report, kept);
        return samples;
    }

    /**
     * Says when a repaired report holds fewer sample rows than the state counts before it (a report edited, cut, or
     * another file): the samples before the state that it misses are not written again.
     */
    static void warnIfShort(Path report, long kept, long counted) {
        if (kept >= 0 && counted >= 0 && kept < counted) {
            System.err.println("etab: " + report + " holds " + kept + " sample rows before the resume state, which "
                    + "counts " + counted + ": the rows of " + (counted - kept) + " samples before it are missing "
                    + "from it and are not written again");
        }
    }
}
