package org.etab.datasets.echonet;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.etab.decode.DatasetException;
import org.etab.source.CsvColumns;
import org.etab.source.DatasetFiles;
import org.etab.source.Fields;
import org.etab.source.Fields.BadRow;
import org.etab.source.IndexProblem;
import org.etab.source.PlanLoop;
import org.etab.source.SampleOptions;
import org.etab.source.Split;

/**
 * Builds the {@link EchoNetIndex} of an EchoNet-Dynamic copy from {@code FileList.csv} and
 * {@code VolumeTracings.csv}, with the reference code's semantics (echonet-dynamic {@code Echo}).
 *
 * <p>Contract:
 * <ul>
 *   <li>Layout: the files lie directly under the given root, or under {@code root/data} (where the ETAB
 *       Python code looks); the directory holding {@code FileList.csv} is the data root.</li>
 *   <li>Columns are found by name in each header (trimmed, any case); extra columns are ignored. A missing
 *       or empty file, or a header without a required column, is a {@link DatasetException} naming the
 *       file and the reason: nothing can be indexed without them.</li>
 *   <li>FileName may carry {@code .avi} or not; the id is the name without it and the video is
 *       {@code <dataRoot>/Videos/<id>.avi}. A name that is empty, absolute, contains a path separator or
 *       {@code ..}, or otherwise resolves outside {@code Videos/} is rejected before any file is opened.
 *       Video files are not looked at here: a missing video is the decoder's failed sample.</li>
 *   <li>Tracings are grouped by (FileName, Frame) in order of first appearance, rows in file order
 *       (groups need not be contiguous). The first traced frame of a video is ES, the last is ED; like the
 *       reference, the order is trusted, not checked against areas.</li>
 *   <li>Bad data never throws and never vanishes: every FileList row or video that cannot be used is left
 *       out of {@link EchoNetIndex#records()} and listed in {@link EchoNetIndex#problems()} with its line
 *       number and the reason (wrong field count, a number that is not finite, an unknown split, an unsafe
 *       or duplicate name, a malformed tracing row, a group without a chord, fewer than two traced frames).
 *       Tracing rows of files FileList does not list are ignored and summed up in one problem.</li>
 * </ul>
 *
 * <p>Threading: {@link #read} is a pure function of the files; call it from any thread. It reads both
 * files once, sequentially (about 430,000 tracing rows for the real dataset).
 */
public final class EchoNetReader {
    /** The per-video list (labels, size, split), in the data root. */
    public static final String FILE_LIST = "FileList.csv";
    /** The LV tracings file, beside {@link #FILE_LIST}. */
    public static final String TRACINGS = "VolumeTracings.csv";
    /** The largest FileList.csv read, 16 MiB: EchoNet-Dynamic's is under 1 MB (10,030 rows). */
    public static final long MAX_FILE_LIST_BYTES = 16L << 20;
    /** The largest VolumeTracings.csv read, 128 MiB: EchoNet-Dynamic's is about 20 MB (~430,000 rows). */
    public static final long MAX_TRACINGS_BYTES = 128L << 20;
    /**
     * Where FileList.csv is looked for under a root, in order, as relative prefixes: the root, ETAB's {@code data/},
     * and {@code EchoNet-Dynamic/}, the folder the download unpacks into.
     */
    static final List<String> PLACES = List.of("", "data/", "EchoNet-Dynamic/");

    private static final String[] LIST_COLUMNS = {
        "FileName", "EF", "ESV", "EDV", "FrameHeight", "FrameWidth", "FPS", "NumberOfFrames", "Split"
    };
    private static final int L_NAME = 0,
            L_EF = 1,
            L_ESV = 2,
            L_EDV = 3,
            L_HEIGHT = 4,
            L_WIDTH = 5,
            L_FPS = 6,
            L_FRAMES = 7,
            L_SPLIT = 8;

    private static final String[] TRACING_COLUMNS = {"FileName", "X1", "Y1", "X2", "Y2", "Frame"};
    private static final int T_NAME = 0, T_X1 = 1, T_Y1 = 2, T_X2 = 3, T_Y2 = 4, T_FRAME = 5;

    private EchoNetReader() {}

    /**
     * Indexes the EchoNet-Dynamic copy at {@code root} (or at {@code root/data}).
     *
     * @param root the dataset directory, {@code echonet_dir} in ETAB's options
     * @return the usable videos in FileList order and every problem found
     * @throws DatasetException when FileList.csv or VolumeTracings.csv is missing, unreadable, empty, or
     *                          lacks a required column; the message names the file
     */
    public static EchoNetIndex read(Path root) {
        locate(root); // a missing root or FileList.csv is named as such
        return read(root, DatasetFiles.under(root));
    }

    /**
     * As {@link #read(Path)}, opening the two index files only when {@code files} allows them (regular files whose
     * real paths lie under the root, unless it allows more).
     *
     * @param root  the dataset directory, {@code echonet_dir} in ETAB's options
     * @param files which files may be opened
     * @return the usable videos in FileList order and every problem found
     * @throws DatasetException as {@link #read(Path)}, and also when an index file is refused by {@code files}, naming why
     */
    public static EchoNetIndex read(Path root, DatasetFiles files) {
        Path dataRoot = locate(root);
        Path tracings = dataRoot.resolve(TRACINGS);
        if (!Files.isRegularFile(tracings)) {
            throw new DatasetException(tracings, "not found (it must lie beside " + FILE_LIST + ")");
        }
        Path fileList = files.check(dataRoot.resolve(FILE_LIST));
        tracings = files.check(tracings);
        List<IndexProblem> problems = new ArrayList<>();
        List<EchoNetIndex.Rejected> rejected = new ArrayList<>();
        List<ListedVideo> listed = new ArrayList<>();
        Map<String, ListedVideo> byId = new HashMap<>(16_384);
        readFileList(files, fileList, dataRoot.resolve("Videos").normalize(), listed, byId, problems, rejected);
        readTracings(files, tracings, byId, problems);

        List<EchoNetRecord> records = new ArrayList<>(listed.size());
        for (ListedVideo v : listed) {
            if (!v.dropped) {
                EchoNetRecord r = v.toRecord(problems, rejected);
                if (r != null) {
                    records.add(r);
                }
            }
        }
        return new EchoNetIndex(dataRoot, records, problems, rejected);
    }

    /**
     * The directory that holds FileList.csv: {@code root} itself, {@code root/data} (ETAB's layout) or {@code
     * root/EchoNet-Dynamic} (the download's own top folder, for a root the archive was unzipped into), first found.
     */
    static Path locate(Path root) {
        Objects.requireNonNull(root, "root");
        for (String place : PLACES) {
            Path dir = place.isEmpty() ? root : root.resolve(place);
            if (Files.isRegularFile(dir.resolve(FILE_LIST))) {
                return dir;
            }
        }
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root, "EchoNet-Dynamic directory not found");
        }
        throw new DatasetException(
                root.resolve(FILE_LIST),
                "not found (looked there, in " + root.resolve(PLACES.get(1)).resolve(FILE_LIST) + " and in "
                        + root.resolve(PLACES.get(2)).resolve(FILE_LIST) + ")");
    }

    // ------------------------------------------------------------------------------------------------
    // FileList.csv

    private static void readFileList(
            DatasetFiles files,
            Path file,
            Path videos,
            List<ListedVideo> listed,
            Map<String, ListedVideo> byId,
            List<IndexProblem> problems,
            List<EchoNetIndex.Rejected> rejected) {
        try (CsvReader<CsvRecord> csv = builder().ofCsvRecord(files.newReader(file, MAX_FILE_LIST_BYTES))) {
            CsvColumns cols = null;
            for (CsvRecord rec : csv) {
                if (cols == null) {
                    cols = CsvColumns.of(file, rec.getFields(), LIST_COLUMNS);
                    continue;
                }
                long line = rec.getStartingLineNumber();
                int nameCol = cols.at(L_NAME);
                String name =
                        rec.getFieldCount() > nameCol ? rec.getField(nameCol).trim() : "";
                String id = stripTracingAvi(name); // X.AVI is the video X, as in VolumeTracings
                ListedVideo v = new ListedVideo(id, line);
                try {
                    String problem = CsvColumns.fieldCountProblem(rec.getFields(), cols.headerSize());
                    if (problem != null) {
                        throw new BadRow(problem);
                    }
                    ListedVideo first = byId.get(id);
                    if (first != null) {
                        // Keep the first listing; its tracings would be ambiguous otherwise.
                        IndexProblem p = new IndexProblem(
                                id,
                                FILE_LIST,
                                "line " + line + ": duplicate FileName (first listed at line " + first.line
                                        + "); row ignored");
                        problems.add(p);
                        rejected.add(new EchoNetIndex.Rejected(p, splitOrNull(rec, cols.at(L_SPLIT))));
                        continue;
                    }
                    v.video = safeVideoPath(name, id, videos);
                    v.ef = Fields.doubleIn(rec.getField(cols.at(L_EF)), "EF", 0, 100); // CM compares it as written
                    v.esv = optionalFloat(rec, cols.at(L_ESV));
                    v.edv = optionalFloat(rec, cols.at(L_EDV));
                    // bounded here: planning and the native frame size allocate by these numbers
                    v.height = integer(rec, cols.at(L_HEIGHT), "FrameHeight", 1, SampleOptions.MAX_FRAME_SIDE);
                    v.width = integer(rec, cols.at(L_WIDTH), "FrameWidth", 1, SampleOptions.MAX_FRAME_SIDE);
                    v.fps = Fields.doubleIn(
                            rec.getField(cols.at(L_FPS)), "FPS", PlanLoop.MIN_VIDEO_FPS, PlanLoop.MAX_VIDEO_FPS);
                    v.frames = integer(rec, cols.at(L_FRAMES), "NumberOfFrames", 1, PlanLoop.MAX_VIDEO_FRAMES);
                    v.split = split(rec, cols.at(L_SPLIT));
                } catch (BadRow bad) {
                    v.dropped = true;
                    IndexProblem p = new IndexProblem(id, FILE_LIST, "line " + line + ": " + bad.getMessage());
                    problems.add(p);
                    rejected.add(new EchoNetIndex.Rejected(p, splitOrNull(rec, cols.at(L_SPLIT))));
                }
                if (!id.isEmpty() && !byId.containsKey(id)) {
                    // Registered even when dropped, so its tracing rows are not also reported as orphans.
                    byId.put(id, v);
                }
                listed.add(v);
            }
            if (cols == null) {
                throw new DatasetException(file, "empty file: no header line");
            }
        } catch (IOException | UncheckedIOException | CsvParseException e) {
            throw new DatasetException(file, "cannot be read: " + CsvColumns.describe(e), e);
        }
    }

    /**
     * The video path for a FileName, or a {@link BadRow} when the name could reach outside Videos/.
     * Checked on the text first (cheap, and independent of the platform's path rules), then on the
     * resolved path.
     */
    static Path safeVideoPath(String name, String id, Path videos) throws BadRow {
        if (id.isEmpty()) {
            throw new BadRow("FileName is empty");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '/' || c == '\\') {
                throw new BadRow("FileName '" + name + "' rejected: contains a path separator");
            }
            if (c == '\0') {
                throw new BadRow("FileName '" + name + "' rejected: contains a NUL character");
            }
        }
        if (id.contains("..")) {
            throw new BadRow("FileName '" + name + "' rejected: contains '..'");
        }
        try {
            // a name given with its extension, in whatever case, is the file's name; a bare one gets .avi
            String extension = name.length() > id.length() ? name.substring(id.length()) : ".avi";
            Path video = videos.resolve(id + extension).normalize();
            if (!videos.equals(video.getParent())) {
                throw new BadRow("FileName '" + name + "' rejected: resolves outside " + videos);
            }
            return video;
        } catch (InvalidPathException e) {
            throw new BadRow("FileName '" + name + "' rejected: not a valid file name (" + e.getReason() + ")");
        }
    }

    /** The split a rejected row names, or null when its field is missing or not a split. */
    private static Split splitOrNull(CsvRecord rec, int col) {
        try {
            return rec.getFieldCount() > col ? Split.parse(rec.getField(col)) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Split split(CsvRecord rec, int col) throws BadRow {
        String text = rec.getField(col);
        try {
            return Split.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRow("Split must be TRAIN, VAL or TEST (any case) but was '" + text + "'");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // VolumeTracings.csv

    private static void readTracings(
            DatasetFiles files, Path file, Map<String, ListedVideo> byId, List<IndexProblem> problems) {
        long orphanRows = 0;
        long firstOrphanLine = 0;
        Set<String> orphanNames = new HashSet<>();
        TracingRows rows = new TracingRows();
        try (CsvReader<TracingRows> csv = builder().build(rows, files.newReader(file, MAX_TRACINGS_BYTES))) {
            CsvColumns cols = null;
            int nameCol = 0;
            ListedVideo v = null;
            for (TracingRows row : csv) {
                if (cols == null) {
                    cols = CsvColumns.of(file, row.header(), TRACING_COLUMNS);
                    nameCol = cols.at(T_NAME);
                    row.startData(
                            cols.headerSize(),
                            cols.at(T_NAME),
                            cols.at(T_X1),
                            cols.at(T_Y1),
                            cols.at(T_X2),
                            cols.at(T_Y2),
                            cols.at(T_FRAME));
                    continue;
                }
                long line = row.line();
                int fields = row.fields();
                if (fields <= nameCol) {
                    problems.add(new IndexProblem(
                            "",
                            TRACINGS,
                            "line " + line + ": expected " + cols.headerSize() + " fields but found " + fields
                                    + "; the row names no file"));
                    continue;
                }
                // Rows of one video are (nearly always) adjacent: look the name up only when it changes.
                if (row.nameChanged()) {
                    v = byId.get(stripTracingAvi(row.name().trim()));
                }
                if (v == null) {
                    if (orphanRows++ == 0) {
                        firstOrphanLine = line;
                    }
                    orphanNames.add(row.name().trim());
                    continue;
                }
                if (v.dropped || v.badTracing != null) {
                    continue; // already reported once; one reason per video is enough
                }
                if (fields != cols.headerSize()) {
                    v.badTracing = "line " + line + ": expected " + cols.headerSize() + " fields but found " + fields;
                } else if (row.error != null) {
                    v.badTracing = "line " + line + ": " + row.error;
                } else {
                    TraceGroup g = v.group(row.frame, line);
                    if (g != null) { // null: a frame between the first and the last, which the record does not use
                        float[] xy = row.xy;
                        g.add(xy[0], xy[1], xy[2], xy[3]);
                    }
                }
            }
            if (cols == null) {
                throw new DatasetException(file, "empty file: no header line");
            }
        } catch (IOException | UncheckedIOException | CsvParseException e) {
            throw new DatasetException(file, "cannot be read: " + CsvColumns.describe(e), e);
        }
        if (orphanRows > 0) {
            problems.add(new IndexProblem(
                    "",
                    TRACINGS,
                    "ignored " + orphanRows + " rows of "
                            + orphanNames.size() + " file(s) not listed in " + FILE_LIST + " (first at line "
                            + firstOrphanLine + ")"));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // shared helpers

    private static CsvReader.CsvReaderBuilder builder() {
        // Field counts are checked per row (a bad row is a problem, not a failed file), hence
        // ignoreDifferentFieldCount; a BOM written by spreadsheet tools must not rename the first column.
        return CsvReader.builder()
                .ignoreDifferentFieldCount(true)
                .skipEmptyLines(true)
                .detectBomHeader(true);
    }

    /**
     * A FileName without its extension, in any case: {@code X.AVI} is the video {@code X} (in FileList, whose name
     * with its extension decides the file's; in VolumeTracings, where it only names a FileList row).
     */
    static String stripTracingAvi(String name) {
        int n = name.length();
        return name.regionMatches(true, n - 4, ".avi", 0, 4) ? name.substring(0, n - 4) : name;
    }

    /** ESV or EDV: no target reads them, so a value that is empty or not a number is kept as NaN, not a lost row. */
    private static float optionalFloat(CsvRecord rec, int col) {
        try {
            return Float.parseFloat(rec.getField(col).trim());
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
    }

    private static int integer(CsvRecord rec, int col, String column, int min, int max) throws BadRow {
        return Fields.integer(rec.getField(col), column, min, max);
    }
}
