package org.etab.datasets.tmed;

import static org.etab.datasets.tmed.TmedFields.badSplit;
import static org.etab.datasets.tmed.TmedFields.diagnosis;
import static org.etab.datasets.tmed.TmedFields.id;
import static org.etab.datasets.tmed.TmedFields.imagePath;
import static org.etab.datasets.tmed.TmedFields.splitOrEmpty;
import static org.etab.datasets.tmed.TmedFields.splitOrNull;
import static org.etab.datasets.tmed.TmedFields.view;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.etab.datasets.tmed.TmedFields.BadRow;
import org.etab.decode.DatasetException;
import org.etab.source.CsvColumns;
import org.etab.source.CsvLabel;
import org.etab.source.DatasetFiles;
import org.etab.source.IndexProblem;
import org.etab.source.Split;
import org.etab.source.Target;

/**
 * Builds the {@link TmedIndex} of one fold of a TMED-2 copy from {@code labels_per_image.csv} and
 * {@code TMED2_fold<k>_labeledpart.csv}.
 *
 * <p>Contract:
 * <ul>
 *   <li>Layout: {@code labels_per_image.csv} in the data root, which is the given root or its
 *       {@code approved_users_only/} (the folder the TMED-2 release unpacks to); the fold file beside it (ETAB's
 *       flat layout) or, when not there, in the data root's {@code DEV479/} (where the release keeps it: its
 *       authors' own notebooks read {@code approved_users_only/DEV479/TMED2_fold0_labeledpart.csv}; DEV165/DEV56
 *       hold the same images with fewer labels and are used only when copied beside the labels file). Each image
 *       is at {@code <data root>/<SourceFolder>/<query_key>}, as the release's SourceFolder values
 *       ({@code view_and_diagnosis_labeled_set/labeled}) are relative to {@code approved_users_only/}.</li>
 *   <li>Columns are found by name in each header (trimmed, any case, a byte-order mark ignored); their order
 *       does not matter and other columns are ignored. Used: {@code query_key, view_label, diagnosis_label}
 *       in the labels file; those plus {@code SourceFolder, view_classifier_split, diagnosis_classifier_split}
 *       in the fold file. A missing or empty file, or a header without a required column, is a
 *       {@link DatasetException} naming the file.</li>
 *   <li>The fold file is the list of records, with its own labels and splits (train/val/test, any case). The
 *       labels file is a cross-check: a row whose labels disagree with it is left out and reported; rows it
 *       does not list are kept and counted in one problem.</li>
 *   <li>Label values are compared trimmed and in any case: view PLAX, PSAX, A4C, A2C, A4CorA2CorOther;
 *       diagnosis no_AS, mild_AS, mildtomod_AS, moderate_AS, severe_AS, Not_Provided. Either split column may be
 *       empty: the row is then in no split for the target that column serves ({@code view_classifier_split}: view,
 *       {@code diagnosis_classifier_split}: AS) and {@link TmedIndex#selection} reports it for split
 *       {@code all} only. A split column holding another word leaves the row out of that column's target (and
 *       reported in each of its splits, the row's own being unknown) but keeps it for the other; a row with both
 *       columns unreadable is left out.</li>
 *   <li>{@code query_key} is a file name ({@code .png} optional: without it, {@code .png} is added; the id
 *       is the name without it). SourceFolder is relative to the data root: {@code /} at either end is dropped
 *       (public TMED-2 loaders strip it). A query_key that is empty or contains a path separator or {@code ..}, a
 *       SourceFolder that is a Windows absolute path ({@code C:}, a leading backslash) or contains a backslash or
 *       {@code ..}, and any pair that resolves outside the root are rejected from the text alone, before any file
 *       is opened. Images are not opened here: a missing image is the loader's failed sample.</li>
 *   <li>Bad data never throws and never vanishes: every row that cannot be used (wrong field count, unknown
 *       label, bad split, unsafe name, duplicate id, disagreeing labels) is left out and listed in
 *       {@link TmedIndex#problems()} with its file, line and reason.</li>
 * </ul>
 *
 * <p>Threading: {@link #read} is a pure function of the files; call it from any thread.
 */
public final class TmedReader {
    /** The per-image labels file. */
    public static final String LABELS = "labels_per_image.csv";
    /** The folder the TMED-2 release unpacks to, holding the labels file and the image folders. */
    static final String RELEASE_DIR = "approved_users_only";
    /** Where the release keeps the fold files of its full development set (479 patients). */
    static final String FOLD_DIR = "DEV479";

    /** The largest labels or fold file read, 32 MiB: TMED-2's are a few MB (tens of thousands of rows). */
    public static final long MAX_CSV_BYTES = 32L << 20;

    private static final String[] LABEL_COLUMNS = {"query_key", "view_label", "diagnosis_label"};
    private static final String[] FOLD_COLUMNS = {
        "query_key",
        "view_label",
        "diagnosis_label",
        "SourceFolder",
        "view_classifier_split",
        "diagnosis_classifier_split"
    };
    private static final int KEY = 0, VIEW = 1, DIAGNOSIS = 2, FOLDER = 3, VIEW_SPLIT = 4, DIAGNOSIS_SPLIT = 5;

    private TmedReader() {}

    /**
     * The fold file's name.
     *
     * @param fold the fold number (not checked here)
     * @return {@code TMED2_fold<fold>_labeledpart.csv}
     */
    public static String foldFile(int fold) {
        return "TMED2_fold" + fold + "_labeledpart.csv";
    }

    /**
     * {@link #read(Path, int)} of fold 0, the default.
     *
     * @param root the dataset directory, {@code tmed_dir} in ETAB's options
     * @return the index of fold 0
     * @throws DatasetException as {@link #read(Path, int)}
     */
    public static TmedIndex read(Path root) {
        return read(root, 0);
    }

    /**
     * Indexes fold {@code fold} of the TMED-2 copy at {@code root}.
     *
     * @param root the dataset directory, {@code tmed_dir} in ETAB's options
     * @param fold 0, 1 or 2
     * @return the fold's usable records and every row left out
     * @throws IllegalArgumentException when the fold is not 0, 1 or 2
     * @throws DatasetException when the root, the labels file or the fold file is missing, unreadable, empty,
     *                          or lacks a required column; the message names the file
     */
    public static TmedIndex read(Path root, int fold) {
        return read(root, fold, null);
    }

    /**
     * As {@link #read(Path, int)}, opening the two index files only when {@code files} allows them (regular files
     * whose real paths lie under the root, unless it allows more).
     *
     * @param root  the dataset directory, {@code tmed_dir} in ETAB's options
     * @param fold  0, 1 or 2
     * @param files which files may be opened; null for {@link DatasetFiles#under(Path) DatasetFiles.under(root)}
     * @return the fold's usable records and every row left out
     * @throws IllegalArgumentException when the fold is not 0, 1 or 2
     * @throws DatasetException as {@link #read(Path, int)}, and also when an index file is refused by {@code files}, naming why
     */
    public static TmedIndex read(Path root, int fold, DatasetFiles files) {
        Objects.requireNonNull(root, "root");
        if (fold < 0 || fold > 2) {
            throw new IllegalArgumentException("fold must be 0, 1 or 2 but was " + fold);
        }
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root, "TMED-2 directory not found");
        }
        Path dataRoot = Files.isRegularFile(root.resolve(LABELS)) ? root : root.resolve(RELEASE_DIR);
        if (!Files.isRegularFile(dataRoot.resolve(LABELS))) {
            dataRoot = root;
        }
        Path labelsFile = dataRoot.resolve(LABELS);
        if (!Files.isRegularFile(labelsFile)) {
            throw new DatasetException(
                    labelsFile, "not found (nor in " + root.resolve(RELEASE_DIR).resolve(LABELS) + ")");
        }
        Path foldPath = dataRoot.resolve(foldFile(fold));
        if (!Files.isRegularFile(foldPath)) {
            Path released = dataRoot.resolve(FOLD_DIR).resolve(foldFile(fold));
            if (!Files.isRegularFile(released)) {
                throw new DatasetException(foldPath, "not found (nor in " + released + ")");
            }
            foldPath = released;
        }
        DatasetFiles allowed = files != null ? files : DatasetFiles.under(root);
        labelsFile = allowed.check(labelsFile);
        foldPath = allowed.check(foldPath);
        List<IndexProblem> problems = new ArrayList<>();
        List<TmedIndex.Rejected> rejected = new ArrayList<>();
        Map<String, Labels> labels = readLabels(allowed, labelsFile, problems);
        List<TmedRecord> records =
                readFold(allowed, foldPath, dataRoot.toAbsolutePath().normalize(), labels, problems, rejected);
        return new TmedIndex(root, fold, records, problems, rejected);
    }

    // ------------------------------------------------------------------------------------------------
    // labels_per_image.csv

    private record Labels(TmedView view, AsLabel diagnosis, long line) {}

    private static Map<String, Labels> readLabels(DatasetFiles files, Path file, List<IndexProblem> problems) {
        Map<String, Labels> byId = new HashMap<>(32_768);
        try (CsvReader<CsvRecord> csv = builder().ofCsvRecord(files.newReader(file, MAX_CSV_BYTES))) {
            int[] cols = null;
            int headerSize = 0;
            for (CsvRecord rec : csv) {
                if (cols == null) {
                    cols = columns(file, rec.getFields(), LABEL_COLUMNS);
                    headerSize = rec.getFieldCount();
                    continue;
                }
                long line = rec.getStartingLineNumber();
                String id = id(field(rec, cols[KEY]));
                try {
                    fieldCount(rec, headerSize);
                    Labels l =
                            new Labels(view(rec.getField(cols[VIEW])), diagnosis(rec.getField(cols[DIAGNOSIS])), line);
                    Labels first = byId.putIfAbsent(id, l);
                    if (first != null) {
                        throw new BadRow("duplicate query_key (first listed at line " + first.line + ")");
                    }
                } catch (BadRow bad) {
                    problems.add(
                            new IndexProblem(id, LABELS, "line " + line + ": " + bad.getMessage() + "; row ignored"));
                }
            }
            if (cols == null) {
                throw new DatasetException(file, "empty file: no header line");
            }
        } catch (IOException | UncheckedIOException | CsvParseException e) {
            throw new DatasetException(file, "cannot be read: " + CsvColumns.describe(e), e);
        }
        return byId;
    }

    // ------------------------------------------------------------------------------------------------
    // TMED2_fold<k>_labeledpart.csv

    private static List<TmedRecord> readFold(
            DatasetFiles files,
            Path file,
            Path root,
            Map<String, Labels> labels,
            List<IndexProblem> problems,
            List<TmedIndex.Rejected> rejected) {
        FoldRows rows = new FoldRows(file.getFileName().toString(), root, labels, problems, rejected);
        try (CsvReader<CsvRecord> csv = builder().ofCsvRecord(files.newReader(file, MAX_CSV_BYTES))) {
            int[] cols = null;
            int headerSize = 0;
            for (CsvRecord rec : csv) {
                if (cols == null) {
                    cols = columns(file, rec.getFields(), FOLD_COLUMNS);
                    headerSize = rec.getFieldCount();
                } else {
                    rows.add(rec, cols, headerSize);
                }
            }
            if (cols == null) {
                throw new DatasetException(file, "empty file: no header line");
            }
        } catch (IOException | UncheckedIOException | CsvParseException e) {
            throw new DatasetException(file, "cannot be read: " + CsvColumns.describe(e), e);
        }
        return rows.finish();
    }

    /** One fold file's rows as they are read: the records kept, each problem and rejection noted. */
    private static final class FoldRows {
        private final String name;
        private final Path root;
        private final Map<String, Labels> labels;
        private final List<IndexProblem> problems;
        private final List<TmedIndex.Rejected> rejected;
        private final List<TmedRecord> records = new ArrayList<>();
        private final Map<String, Long> seen = new HashMap<>(32_768);
        private long unlisted;
        private String firstUnlisted;

        FoldRows(
                String name,
                Path root,
                Map<String, Labels> labels,
                List<IndexProblem> problems,
                List<TmedIndex.Rejected> rejected) {
            this.name = name;
            this.root = root;
            this.labels = labels;
            this.problems = problems;
            this.rejected = rejected;
        }

        void add(CsvRecord rec, int[] cols, int headerSize) {
            long line = rec.getStartingLineNumber();
            String key = field(rec, cols[KEY]);
            String id = id(key);
            try {
                fieldCount(rec, headerSize);
                Long first = seen.putIfAbsent(id, line);
                if (first != null) {
                    throw new BadRow("duplicate query_key (first listed at line " + first + ")");
                }
                TmedView view = view(rec.getField(cols[VIEW]));
                AsLabel diagnosis = diagnosis(rec.getField(cols[DIAGNOSIS]));
                // each split column serves one target: an empty one only keeps the row out of that target's
                // selections (TmedIndex decides), so a view-only row still counts for view and vice versa
                String viewText = rec.getField(cols[VIEW_SPLIT]);
                String diagnosisText = rec.getField(cols[DIAGNOSIS_SPLIT]);
                BadRow badViewSplit = badSplit(viewText, "view_classifier_split");
                BadRow badDiagnosisSplit = badSplit(diagnosisText, "diagnosis_classifier_split");
                if (badViewSplit != null && badDiagnosisSplit != null) {
                    throw badViewSplit;
                }
                Split viewSplit = badViewSplit == null ? splitOrEmpty(viewText, "view_classifier_split") : null;
                Split diagnosisSplit =
                        badDiagnosisSplit == null ? splitOrEmpty(diagnosisText, "diagnosis_classifier_split") : null;
                Path image = imagePath(root, rec.getField(cols[FOLDER]), key);
                Labels l = labels.get(id);
                if (l == null) {
                    if (unlisted++ == 0) {
                        firstUnlisted = id + " at line " + line;
                    }
                } else if (l.view != view || l.diagnosis != diagnosis) {
                    throw new BadRow("labels " + view.label() + "/" + diagnosis.label() + " disagree with " + LABELS
                            + " line " + l.line + " (" + l.view.label() + "/" + l.diagnosis.label() + ")");
                }
                records.add(new TmedRecord(id, image, view, diagnosis, viewSplit, diagnosisSplit));
                // an unreadable split leaves the row out of that column's target only, in every split of it
                if (badViewSplit != null || badDiagnosisSplit != null) {
                    boolean forView = badViewSplit != null;
                    Target lost = forView ? Target.VIEW : Target.AS;
                    Target kept = forView ? Target.AS : Target.VIEW;
                    IndexProblem p = new IndexProblem(
                            id,
                            name,
                            "line " + line + ": " + (forView ? badViewSplit : badDiagnosisSplit).getMessage()
                                    + "; row left out of target " + lost.etabName() + " (kept for "
                                    + kept.etabName() + ")");
                    problems.add(p);
                    rejected.add(new TmedIndex.Rejected(p, view, viewSplit, diagnosisSplit, lost));
                }
            } catch (BadRow bad) {
                IndexProblem p = new IndexProblem(id, name, "line " + line + ": " + bad.getMessage() + "; row ignored");
                problems.add(p);
                rejected.add(new TmedIndex.Rejected(
                        p,
                        CsvLabel.parse(TmedView.class, field(rec, cols[VIEW])),
                        splitOrNull(field(rec, cols[VIEW_SPLIT])),
                        splitOrNull(field(rec, cols[DIAGNOSIS_SPLIT]))));
            }
        }

        /** {@return the records kept}, after noting in one problem the rows labels_per_image.csv does not list. */
        List<TmedRecord> finish() {
            if (unlisted > 0) {
                problems.add(new IndexProblem(
                        "",
                        name,
                        unlisted + " row" + (unlisted == 1 ? " is" : "s are") + " not listed in " + LABELS + " (first: "
                                + firstUnlisted + "); kept with the fold file's labels"));
            }
            return records;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // shared helpers

    private static CsvReader.CsvReaderBuilder builder() {
        // Field counts are checked per row (a bad row is a problem, not a failed file); a BOM written by
        // spreadsheet tools must not rename the first column.
        return CsvReader.builder()
                .ignoreDifferentFieldCount(true)
                .skipEmptyLines(true)
                .detectBomHeader(true);
    }

    /**
     * Positions of {@code required} in {@code header} (trimmed, any case; the first of duplicated names wins).
     *
     * @throws DatasetException naming the file and every missing column
     */
    static int[] columns(Path file, List<String> header, String... required) {
        int[] at = new int[required.length];
        Arrays.fill(at, -1);
        List<String> missing = new ArrayList<>();
        for (int r = 0; r < required.length; r++) {
            for (int h = 0; h < header.size() && at[r] < 0; h++) {
                if (header.get(h).trim().equalsIgnoreCase(required[r])) {
                    at[r] = h;
                }
            }
            if (at[r] < 0) {
                missing.add(required[r]);
            }
        }
        if (!missing.isEmpty()) {
            throw new DatasetException(
                    file,
                    "missing required column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                            + "; header is " + header);
        }
        return at;
    }

    private static void fieldCount(CsvRecord rec, int headerSize) throws BadRow {
        String problem = CsvColumns.fieldCountProblem(rec.getFields(), headerSize);
        if (problem != null) {
            throw new BadRow(problem);
        }
    }

    private static String field(CsvRecord rec, int col) {
        return col < rec.getFieldCount() ? rec.getField(col).trim() : "";
    }
}
