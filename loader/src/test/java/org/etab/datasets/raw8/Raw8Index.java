package org.etab.datasets.raw8;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.etab.decode.DatasetException;
import org.etab.source.IndexProblem;
import org.etab.source.Split;

/**
 * Reads {@code index.csv} ({@code id,file,rows,cols,ef,view,split}) without opening any frame file: a missing
 * frame is a failed sample when it is loaded. Bad rows are left out and reported.
 */
record Raw8Index(List<Raw8Record> records, List<IndexProblem> problems) {
    static final String FILE = "index.csv";
    static final String HEADER = "id,file,rows,cols,ef,view,split";

    static Raw8Index read(Path root) {
        Path index = root.resolve(FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(index, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new DatasetException(index, "cannot read: " + e, e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new DatasetException(index, "the header must be " + HEADER);
        }
        List<Raw8Record> records = new ArrayList<>();
        List<IndexProblem> problems = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            String id = f.length > 0 ? f[0] : "";
            try {
                if (f.length != 7) {
                    throw new IllegalArgumentException("7 columns required but there are " + f.length);
                }
                Path file = root.resolve(f[1]).normalize();
                if (!file.startsWith(root.normalize())) {
                    throw new IllegalArgumentException("file '" + f[1] + "' is outside the dataset");
                }
                records.add(new Raw8Record(
                        id,
                        file,
                        Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]),
                        Float.parseFloat(f[4]),
                        Integer.parseInt(f[5]),
                        Split.parse(f[6])));
            } catch (IllegalArgumentException e) {
                problems.add(new IndexProblem(id, FILE, "line " + (i + 1) + ": " + e.getMessage()));
            }
        }
        return new Raw8Index(List.copyOf(records), List.copyOf(problems));
    }

    /** The records of a split ({@code all} for every one) and view ({@code all}, AP2CH or AP4CH). */
    List<Raw8Record> select(String split, String view) {
        String s = split.trim().toLowerCase(Locale.ROOT);
        Split wanted = s.equals("all") ? null : Split.parse(s);
        int v = -1;
        for (int k = 0; k < Raw8Record.VIEWS.length; k++) {
            if (Raw8Record.VIEWS[k].equalsIgnoreCase(view.trim())) {
                v = k;
            }
        }
        List<Raw8Record> out = new ArrayList<>();
        for (Raw8Record r : records) {
            if ((wanted == null || r.split() == wanted) && (v < 0 || r.view() == v)) {
                out.add(r);
            }
        }
        return out;
    }
}
