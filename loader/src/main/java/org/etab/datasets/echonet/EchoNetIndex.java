package org.etab.datasets.echonet;

import org.etab.source.IndexProblem;
import org.etab.source.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The usable videos of an EchoNet-Dynamic copy and what could not be used, as built by
 * {@link EchoNetReader#read(Path)}. No pixels; both lists are immutable.
 *
 * @param root     the directory that holds {@code FileList.csv} (the given root or its {@code data/})
 * @param records  the usable videos in FileList order, each with its ES (first) and ED (last) tracing
 * @param problems every FileList row, tracing row or video that was dropped, with the reason
 */
public record EchoNetIndex(Path root, List<EchoNetRecord> records, List<IndexProblem> problems) {

    public EchoNetIndex {
        Objects.requireNonNull(root, "root");
        records = List.copyOf(records);
        problems = List.copyOf(problems);
    }

    /**
     * The records of one split, in FileList order.
     *
     * @param split {@code train}, {@code val}, {@code test} or {@code all}, in any case
     * @throws IllegalArgumentException naming the value and the valid ones when it is none of these
     */
    public List<EchoNetRecord> select(String split) {
        Objects.requireNonNull(split, "split");
        String wanted = split.trim().toLowerCase(Locale.ROOT);
        Split s;
        switch (wanted) {
            case "all": return records;
            case "train": s = Split.TRAIN; break;
            case "val": s = Split.VAL; break;
            case "test": s = Split.TEST; break;
            default: throw new IllegalArgumentException(
                    "split must be one of train, val, test, all (any case) but was '" + split + "'");
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
