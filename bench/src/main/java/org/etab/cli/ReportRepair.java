package org.etab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.etab.source.IndexProblem;

/**
 * Brings the {@code --report} of an interrupted run back to its saved resume position, so that the resumed run can
 * append to it: the header, the index's rejected rows (written again here, from the index as it is now, so they stay
 * first), then the delivered and failed rows that the samples before the saved position account for, in the order
 * they were written. Rows past the position (a run stopped between writing a batch's rows and saving its position)
 * are dropped: the resumed run writes them again, once. Rewritten to a temporary name and moved into place.
 */
final class ReportRepair {
    private ReportRepair() {}

    /** How many delivered and failed rows of each id to keep. */
    interface Budget {
        /**
         * The rows of {@code id} with {@code status} still to keep (the map is counted down as rows are kept), or
         * null when none are.
         */
        Map<String, Integer> left(String id, String status);
    }

    /** A budget for both statuses together: the times each id was scheduled before the saved position. */
    static Budget scheduled(Map<String, Integer> before) {
        Map<String, Integer> left = new HashMap<>(before);
        return (id, status) -> left;
    }

    /**
     * @param report   the report file; nothing happens when it does not exist
     * @param rejected the index's rejected rows for this rank (empty on ranks other than 0)
     * @return true when the report was there and repaired (its rejected rows written), false when there is none
     */
    static boolean repair(Path report, List<IndexProblem> rejected, Budget budget) {
        if (!Files.exists(report)) {
            return false;
        }
        List<List<String>> rows = ExportRepair.read(report);
        List<List<String>> kept = new ArrayList<>();
        kept.add(List.of(RunRecorder.HEADER));
        for (IndexProblem p : rejected) {
            kept.add(List.of(RunRecorder.rejectedRow(p)));
        }
        for (List<String> row : rows.subList(Math.min(1, rows.size()), rows.size())) {
            if (row.size() < 2 || row.get(1).equals("rejected")) {
                continue;
            }
            Map<String, Integer> left = budget.left(row.get(0), row.get(1));
            if (left != null && left.getOrDefault(row.get(0), 0) > 0) {
                left.merge(row.get(0), -1, Integer::sum);
                kept.add(row);
            }
        }
        ExportRepair.write(report, kept);
        return true;
    }
}
