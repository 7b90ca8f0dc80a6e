package org.etab.datasets.echonet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.etab.source.IndexProblem;
import org.etab.source.Split;

/**
 * The usable videos of an EchoNet-Dynamic copy and what could not be used, as built by
 * {@link EchoNetReader#read(Path)}. No pixels; both lists are immutable.
 *
 * @param root     the directory that holds {@code FileList.csv} (the given root or its {@code data/})
 * @param records  the usable videos in FileList order, each with its ES (first) and ED (last) tracing
 * @param problems every FileList row, tracing row or video that was dropped, with the reason
 * @param rejected the FileList rows among {@code problems} (the videos left out), each with its split
 */
public record EchoNetIndex(
        Path root, List<EchoNetRecord> records, List<IndexProblem> problems, List<Rejected> rejected) {

    /**
     * A FileList row left out, with the split its {@code Split} field names.
     *
     * @param split null when the field cannot be read: the row is then counted in every split's selection
     */
    public record Rejected(IndexProblem problem, Split split) {
        /**
         * Checks that the problem is given.
         *
         * @param problem the row's file, line and reason; required
         * @param split   the row's split, or null when the field cannot be read
         * @throws NullPointerException when {@code problem} is null
         */
        public Rejected {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /**
     * Copies the three lists, so the index is immutable.
     *
     * @param root     the directory that holds {@code FileList.csv}
     * @param records  the usable videos, in FileList order
     * @param problems every row or video that was dropped
     * @param rejected the FileList rows among {@code problems}
     * @throws NullPointerException when {@code root} or a list is null, or a list holds null
     */
    public EchoNetIndex {
        Objects.requireNonNull(root, "root");
        records = List.copyOf(records);
        problems = List.copyOf(problems);
        rejected = List.copyOf(rejected);
    }

    /**
     * The rows of one split the index left out (a row whose split cannot be read is in every split), in
     * FileList order.
     *
     * @param split as for {@link #select}
     * @return the rejected rows' problems; immutable
     * @throws IllegalArgumentException naming the value and the valid ones when the split is not valid
     */
    public List<IndexProblem> rejected(String split) {
        Split s = Split.selection(split);
        List<IndexProblem> out = new ArrayList<>();
        for (Rejected r : rejected) {
            if (s == null || r.split() == null || r.split() == s) {
                out.add(r.problem());
            }
        }
        return List.copyOf(out);
    }

    /**
     * The records of one split, in FileList order.
     *
     * @param split {@code train}, {@code val}, {@code test} or {@code all}, in any case
     * @return the split's records; immutable
     * @throws IllegalArgumentException naming the value and the valid ones when it is none of these
     */
    public List<EchoNetRecord> select(String split) {
        Split s = Split.selection(split);
        if (s == null) {
            return records;
        }
        List<EchoNetRecord> out = new ArrayList<>();
        for (EchoNetRecord r : records) {
            if (r.split() == s) {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }
}
