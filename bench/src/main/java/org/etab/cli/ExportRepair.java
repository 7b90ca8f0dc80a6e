package org.etab.cli;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.etab.sampling.ResumeState;
import org.etab.source.IndexProblem;

/**
 * Brings an interrupted export back to its saved resume position before it continues: the manifest keeps the rows
 * of samples before that position, which must be whole with their two files (else the resume is refused: they are
 * not written again), the report the rows before it ({@link ReportRepair}, which writes the index's rows again,
 * first), and the files of samples past the position are removed (those the run schedules are written again). A run stopped between
 * saving its position and its next one wrote rows past it; the resumed run writes them again, once. Both files are
 * rewritten to a temporary name and moved into place, so a repair interrupted in turn leaves the old files whole.
 */
final class ExportRepair {
    private static final String X = ".x.npy", Y = ".y.npy";

    private ExportRepair() {}

    /**
     * @param slots    the export's whole sequence, every size group's, in export order
     * @param resumeAt the saved position: samples before it are done
     * @param report   the report file, or null without {@code --report}
     * @param rejected the index's rejected rows, which the report keeps first ({@link ReportRepair})
     * @param consumed the state's count of the report's sample rows before it, or {@code ResumeState.NOT_COUNTED}
     * @return the report's sample rows kept, or -1 without a report to repair
     */
    static long repair(
            Path out,
            Path manifest,
            Path report,
            List<ExportIds.Slot> slots,
            long resumeAt,
            List<IndexProblem> rejected,
            long consumed) {
        Set<String> done = new HashSet<>();
        Map<String, Integer> scheduled = new HashMap<>();
        for (ExportIds.Slot s : slots) {
            if (s.sequence() < resumeAt) {
                done.add(s.name());
                scheduled.merge(s.id(), 1, Integer::sum);
            }
        }
        if (resumeAt > 0 && !Files.exists(manifest)) {
            throw new IllegalArgumentException(manifest + " is missing, but the resume state says " + resumeAt
                    + " samples were done: their rows cannot be written again (export again without --resume)");
        }
        Map<String, Integer> delivered = new HashMap<>();
        Set<String> keptNames = new HashSet<>();
        List<List<String>> kept = new ArrayList<>();
        List<List<String>> rows = read(manifest);
        if (!rows.isEmpty()) {
            List<String> header = rows.get(0);
            kept.add(header);
            for (List<String> row : rows.subList(1, rows.size())) {
                String name = row.get(0);
                if (!done.contains(name) || !keptNames.add(name)) {
                    continue; // past the saved position (written again), a line cut by a stop, or a repeat
                }
                // a sample before the position is not written again: its row and files must be whole
                if (row.size() != header.size()) {
                    throw damaged(manifest, name, "its row has " + row.size() + " fields, the header " + header.size());
                }
                for (String file : List.of(name + X, name + Y)) {
                    if (!Files.isRegularFile(out.resolve(file))) {
                        throw damaged(manifest, name, "its file " + out.resolve(file) + " is missing");
                    }
                }
                // the files are the id's own, whatever an edited row says (it may name any path)
                List<String> own = new ArrayList<>(row);
                own.set(2, name + X);
                own.set(3, name + Y);
                kept.add(own);
                delivered.merge(row.get(1), 1, Integer::sum);
            }
        }
        if (report != null && consumed != ResumeState.NOT_COUNTED) {
            requireRowsOf(deliveredBefore(report, consumed), keptNames, manifest, report);
        }
        if (!rows.isEmpty()) {
            write(manifest, kept);
        }
        forgetPast(out, slots, resumeAt);
        if (report == null) {
            return -1;
        }
        if (consumed != ResumeState.NOT_COUNTED) {
            if (!Files.exists(report) && consumed > 0) {
                System.err.println("etab: " + report + " does not exist: the " + consumed + " sample rows the resume "
                        + "state counts before it are not in the report this run starts");
            }
            long reportRows = ReportRepair.repair(report, rejected, ReportRepair.first(consumed));
            ReportRepair.warnIfShort(report, reportRows, consumed);
            return reportRows;
        }
        // a state saved before it counted the report's rows: per id, as the manifest and the schedule account for
        Map<String, Integer> failed = new HashMap<>();
        scheduled.forEach((id, n) -> failed.put(id, n - delivered.getOrDefault(id, 0)));
        return ReportRepair.repair(
                report, rejected, ReportRepair.perId(Map.of("delivered", delivered, "failed", failed)));
    }

    private static IllegalArgumentException damaged(Path manifest, String name, String why) {
        return new IllegalArgumentException(manifest + ": sample " + name + ", before the saved position, cannot be "
                + "kept: " + why + " (restore it, or export again without --resume)");
    }

    /** The sample names the report's first {@code consumed} sample rows say were delivered. */
    private static Set<String> deliveredBefore(Path report, long consumed) {
        Set<String> names = new HashSet<>();
        if (!Files.exists(report)) {
            return names;
        }
        long left = consumed;
        List<List<String>> rows = read(report);
        for (List<String> row : rows.subList(Math.min(1, rows.size()), rows.size())) {
            if (left <= 0) {
                break;
            }
            if (row.size() >= 2 && (row.get(1).equals("delivered") || row.get(1).equals("failed"))) {
                left--;
                if (row.get(1).equals("delivered")) {
                    names.add(row.get(0));
                }
            }
        }
        return names;
    }

    /** Refuses when the report says a sample before the position was delivered and the manifest lost its row. */
    private static void requireRowsOf(Set<String> delivered, Set<String> kept, Path manifest, Path report) {
        for (String name : delivered) {
            if (!kept.contains(name)) {
                throw new IllegalArgumentException(manifest + " has no row for sample " + name + ", which " + report
                        + " says was delivered before the saved position: it would not be written again (restore "
                        + "the manifest, or export again without --resume)");
            }
        }
    }

    /**
     * Deletes the files of the samples at and past the position that a stopped run left: the resumed run writes
     * again those it schedules, and one with a lower {@code --limit} would leave the others without a row.
     */
    private static void forgetPast(Path out, List<ExportIds.Slot> slots, long resumeAt) {
        for (ExportIds.Slot s : slots) {
            if (s.sequence() >= resumeAt) {
                for (String file : List.of(s.name() + X, s.name() + Y)) {
                    try {
                        Files.deleteIfExists(out.resolve(file));
                    } catch (IOException e) {
                        throw new UncheckedIOException(
                                out.resolve(file) + ": cannot remove it to resume: " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    static List<List<String>> read(Path file) {
        List<List<String>> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        if (!Files.isRegularFile(file)) {
            // a FIFO there blocked the open for ever; a link to /dev/zero read until FastCSV gave up
            String why =
                    file + ": not a regular file (a directory, FIFO or device): refused unread; cannot resume from it";
            throw new UncheckedIOException(why, new IOException(why));
        }
        try (CsvReader<CsvRecord> csv =
                CsvReader.builder().ignoreDifferentFieldCount(true).ofCsvRecord(file)) {
            for (CsvRecord r : csv) {
                rows.add(r.getFields());
            }
        } catch (CsvParseException e) {
            // a field longer than FastCSV's buffer (an unclosed quote, a damaged or edited file): one line, no trace
            String why =
                    e.getCause() != null ? e.getMessage() + ": " + e.getCause().getMessage() : e.getMessage();
            throw new UncheckedIOException(file + ": cannot read it to resume: " + why, new IOException(why, e));
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException(
                    file + ": cannot read it to resume: " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        return rows;
    }

    static void write(Path file, List<List<String>> rows) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp); // a link there would be followed by the writer
            try (CsvWriter w = CsvWriter.builder().build(tmp)) {
                for (List<String> row : rows) {
                    w.writeRecord(row);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot rewrite it to resume: " + e.getMessage(), e);
        }
    }
}
