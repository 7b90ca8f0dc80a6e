package org.etab.datasets.camus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.etab.decode.DatasetException;
import org.etab.source.DatasetFiles;
import org.etab.source.IndexProblem;
import org.etab.source.Split;

/**
 * The 2023 release's split lists, {@code database_split/subgroup_{training,validation,testing}.txt}: which patient
 * belongs to which split. One name a line; blank lines, {@code #} comments and a leading byte order mark are
 * skipped. An entry that is not a plain {@code patientNNNN} name is reported and ignored (entries are never resolved
 * as paths); a patient listed twice keeps its first listing, in the order training, validation, testing; a missing
 * list is reported and its split is empty.
 *
 * <p>Threading: stateless; {@link #read} may run on any thread.
 */
final class CamusSplitLists {
    /** The lists, in the order a patient listed twice is resolved. */
    static final Map<String, Split> LISTS = lists();
    /** The largest split list read, 1 MiB: CAMUS's hold a few hundred patient names. */
    static final long MAX_BYTES = 1L << 20;

    private CamusSplitLists() {}

    /**
     * Patient name to split, from the three lists under {@code releaseDir}; entries of a missing list are absent.
     *
     * @throws DatasetException when a list exists but cannot be read, or {@code files} refuses it
     */
    static Map<String, Split> read(Path releaseDir, DatasetFiles files, CamusProblems problems) {
        Map<String, Split> splits = new TreeMap<>();
        Map<String, String> firstSeen = new HashMap<>();
        for (Map.Entry<String, Split> list : LISTS.entrySet()) {
            Path file = releaseDir.resolve(CamusLayout.SPLIT_DIR).resolve(list.getKey());
            String relFile = CamusLayout.SPLIT_DIR + "/" + list.getKey();
            if (!Files.isRegularFile(file)) {
                problems.add(new IndexProblem(
                        "",
                        relFile,
                        "not found; split " + list.getValue().name().toLowerCase() + " is empty"));
                continue;
            }
            List<String> lines;
            try (BufferedReader reader = new BufferedReader(files.newReader(file, MAX_BYTES))) {
                lines = reader.lines().toList();
            } catch (IOException | UncheckedIOException e) {
                throw new DatasetException(file, "cannot be read: " + e.getMessage(), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String name = lines.get(i).strip();
                if (i == 0 && name.startsWith("\uFEFF")) {
                    name = name.substring(1).strip();
                }
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                String where = relFile + ":" + (i + 1);
                if (!CamusLayout.PATIENT.matcher(name).matches()) {
                    problems.add(new IndexProblem(
                            "",
                            relFile,
                            "line " + (i + 1) + ": '" + name + "' is not a patient name (patientNNNN); ignored"));
                    continue;
                }
                String first = firstSeen.putIfAbsent(name, where);
                if (first != null) {
                    problems.add(new IndexProblem(
                            name,
                            relFile,
                            "line " + (i + 1) + ": already listed at " + first + "; the first listing is kept"));
                    continue;
                }
                splits.put(name, list.getValue());
            }
        }
        return splits;
    }

    private static Map<String, Split> lists() {
        Map<String, Split> m = new LinkedHashMap<>();
        m.put("subgroup_training.txt", Split.TRAIN);
        m.put("subgroup_validation.txt", Split.VAL);
        m.put("subgroup_testing.txt", Split.TEST);
        return Collections.unmodifiableMap(m);
    }
}
