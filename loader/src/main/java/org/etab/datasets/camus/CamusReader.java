package org.etab.datasets.camus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.etab.decode.DatasetException;
import org.etab.source.DatasetFiles;
import org.etab.source.IndexProblem;
import org.etab.source.Split;

/**
 * Builds the {@link CamusIndex} of a CAMUS copy, of either public release, from directory listings and the
 * {@code Info_<view>.cfg} files; no image is opened.
 *
 * <p>Contract:
 * <ul>
 *   <li>Layout: the release folders lie directly under the given root, or under exactly one of its
 *       subdirectories (e.g. {@code root/CAMUS_public/}). {@code training/} and/or {@code testing/} is the
 *       original MetaImage release ({@link CamusRelease#MHD}); {@code database_nifti/} (which needs
 *       {@code database_split/} beside it) is the 2023 NIfTI release ({@link CamusRelease#NIFTI}). Both in
 *       one directory, several candidates one level below, or none, is a {@link DatasetException} saying
 *       what was looked for where.</li>
 *   <li>Patients: the {@code patientNNNN} directories of {@code training/} (split TRAIN) and
 *       {@code testing/} (TEST), or of {@code database_nifti/} with the split of the
 *       {@code database_split/subgroup_{training,validation,testing}.txt} list naming them. One record per
 *       patient and view ({@code patient0001_2CH}, {@code patient0001_4CH}).</li>
 *   <li>Files of a view: the cfg, {@code _ED}, {@code _ES} and the sequence ({@code _sequence.mhd} or
 *       {@code _half_sequence.nii.gz}; a NIfTI file may also be an uncompressed {@code .nii}) are required;
 *       without one the view is left out and reported. Ground truth ({@code _ED_gt}, {@code _ES_gt}, and
 *       {@code _half_sequence_gt} in the 2023 release) is expected everywhere except in the original
 *       {@code testing/}; where expected but missing, the view is kept without it and the absence is
 *       reported (its segmentation samples then fail, its other targets work). A MetaImage header's data
 *       file ({@code .raw}/{@code .zraw}) is not checked here: it is named inside the header, which is only
 *       read when the sample is decoded.</li>
 *   <li>cfg values: ED, ES (1-based, either order), NbFrame, EF ({@code LVef} or {@code EF}), FrameRate
 *       (optional), ImageQuality (optional). A cfg that cannot be read, lacks a required key, or has ED/ES
 *       outside 1..NbFrame or a non-finite EF or non-positive FrameRate leaves its view out, reported.</li>
 *   <li>Paths never leave the root: files are found in directory listings, never built from text read
 *       from files; a split-list entry that is not a plain {@code patientNNNN}-like name is reported and
 *       ignored. Directories that are not {@code patientNNNN} are reported and ignored; so are 2023
 *       patients in no split list, listed patients without a directory, and patients listed twice (the
 *       first list, in the order training, validation, testing, wins).</li>
 * </ul>
 *
 * <p>Threading: {@link #read} is a pure function of the files; call it from any thread. It lists each
 * patient directory once and reads two small cfgs per patient (500 patients: about a thousand files).
 */
public final class CamusReader {
    static final String TRAINING = "training";
    static final String TESTING = "testing";
    static final String NIFTI_DIR = "database_nifti";
    static final String SPLIT_DIR = "database_split";
    /** The 2023 split lists, in the order a patient listed twice is resolved. */
    static final Map<String, Split> SPLIT_LISTS = linked(
            "subgroup_training.txt", Split.TRAIN,
            "subgroup_validation.txt", Split.VAL,
            "subgroup_testing.txt", Split.TEST);

    private static final Pattern PATIENT = Pattern.compile("patient\\d+");

    private CamusReader() {}

    /**
     * Indexes the CAMUS copy at {@code root} (or at the one release folder inside it).
     *
     * @param root the dataset directory, {@code camus_dir} in ETAB's options
     * @return the usable acquisitions and every problem found
     * @throws DatasetException when no release layout (or more than one) is found, or a release folder
     *                          cannot be listed; the message names the directory
     */
    public static CamusIndex read(Path root) {
        Objects.requireNonNull(root, "root");
        locate(root); // a missing root or layout is named as such
        return read(root, DatasetFiles.under(root));
    }

    /**
     * As {@link #read(Path)}, reading each {@code Info_*.cfg} and split list only when {@code files} allows it
     * (a regular file whose real path lies under the root, unless it allows more); a refused cfg leaves its view
     * out, reported, and a refused split list is an error.
     */
    public static CamusIndex read(Path root, DatasetFiles files) {
        Objects.requireNonNull(root, "root");
        Located at = locate(root);
        Problems problems = new Problems();
        List<CamusRecord> records = new ArrayList<>();
        if (at.release == CamusRelease.MHD) {
            readOriginal(at.dir, files, records, problems);
        } else {
            readNifti(at.dir, files, records, problems);
        }
        records.sort(Comparator.comparing(CamusRecord::patient).thenComparing(CamusRecord::view));
        return new CamusIndex(at.dir, at.release, records, problems.all, problems.rejected);
    }

    // ------------------------------------------------------------------------------------------------
    // layout

    private record Located(Path dir, CamusRelease release) {}

    static Located locate(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root, "CAMUS directory not found");
        }
        CamusRelease here = detect(root);
        if (here != null) {
            return new Located(root, here);
        }
        List<Located> below = new ArrayList<>();
        for (Path sub : sortedEntries(root)) {
            if (Files.isDirectory(sub) && !hidden(sub)) {
                CamusRelease r = detect(sub);
                if (r != null) {
                    below.add(new Located(sub, r));
                }
            }
        }
        if (below.size() == 1) {
            return below.get(0);
        }
        if (below.size() > 1) {
            throw new DatasetException(
                    root,
                    "holds several CAMUS copies "
                            + below.stream()
                                    .map(l -> l.dir.getFileName() + " (" + l.release + ")")
                                    .toList() + "; pass one of them");
        }
        throw new DatasetException(
                root,
                "no CAMUS layout found: expected " + TRAINING + "/ and " + TESTING
                        + "/ (original MetaImage release) or " + NIFTI_DIR + "/ and " + SPLIT_DIR
                        + "/ (2023 NIfTI release), in this directory or one level below");
    }

    /** The release laid out directly in {@code dir}, or null. */
    private static CamusRelease detect(Path dir) {
        boolean original = Files.isDirectory(dir.resolve(TRAINING)) || Files.isDirectory(dir.resolve(TESTING));
        boolean nifti = Files.isDirectory(dir.resolve(NIFTI_DIR));
        if (original && nifti) {
            throw new DatasetException(
                    dir,
                    "holds both CAMUS releases (" + TRAINING + "/ or " + TESTING + "/, and " + NIFTI_DIR
                            + "/); keep them in separate directories and pass one");
        }
        if (nifti && !Files.isDirectory(dir.resolve(SPLIT_DIR))) {
            throw new DatasetException(
                    dir.resolve(SPLIT_DIR),
                    "not found: the 2023 CAMUS release needs its split " + "lists beside " + NIFTI_DIR + "/");
        }
        return original ? CamusRelease.MHD : nifti ? CamusRelease.NIFTI : null;
    }

    // ------------------------------------------------------------------------------------------------
    // original release

    private static void readOriginal(Path root, DatasetFiles files, List<CamusRecord> records, Problems problems) {
        for (String folder : List.of(TRAINING, TESTING)) {
            Path dir = root.resolve(folder);
            if (!Files.isDirectory(dir)) {
                problems.add(new IndexProblem(
                        "",
                        folder + "/",
                        "not found; split " + (folder.equals(TRAINING) ? "train" : "test") + " is empty"));
                continue;
            }
            Split split = folder.equals(TRAINING) ? Split.TRAIN : Split.TEST;
            for (Path patient : patientDirs(root, dir, problems)) {
                readPatient(root, files, patient, split, CamusRelease.MHD, folder.equals(TRAINING), records, problems);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // 2023 release

    private static void readNifti(Path root, DatasetFiles files, List<CamusRecord> records, Problems problems) {
        Map<String, Split> splits = readSplitLists(root, files, problems);
        Set<String> seen = new HashSet<>();
        Path dir = root.resolve(NIFTI_DIR);
        for (Path patient : patientDirs(root, dir, problems)) {
            String name = patient.getFileName().toString();
            seen.add(name);
            Split split = splits.get(name);
            if (split == null) {
                problems.reject(
                        new IndexProblem(
                                name, rel(root, patient), "in no " + SPLIT_DIR + "/subgroup_*.txt list; left out"),
                        null,
                        null);
                continue;
            }
            readPatient(root, files, patient, split, CamusRelease.NIFTI, true, records, problems);
        }
        for (Map.Entry<String, Split> e : splits.entrySet()) {
            if (!seen.contains(e.getKey())) {
                problems.reject(
                        new IndexProblem(
                                e.getKey(),
                                NIFTI_DIR + "/" + e.getKey(),
                                "listed for split " + e.getValue().name().toLowerCase()
                                        + " but there is no such patient directory"),
                        e.getValue(),
                        null);
            }
        }
    }

    /** Patient name to split, from the three lists; entries of a missing list are simply absent. */
    private static Map<String, Split> readSplitLists(Path root, DatasetFiles files, Problems problems) {
        Map<String, Split> splits = new TreeMap<>();
        Map<String, String> firstSeen = new HashMap<>();
        for (Map.Entry<String, Split> list : SPLIT_LISTS.entrySet()) {
            Path file = root.resolve(SPLIT_DIR).resolve(list.getKey());
            String relFile = SPLIT_DIR + "/" + list.getKey();
            if (!Files.isRegularFile(file)) {
                problems.add(new IndexProblem(
                        "",
                        relFile,
                        "not found; split " + list.getValue().name().toLowerCase() + " is empty"));
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(files.check(file), StandardCharsets.UTF_8);
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
                if (!PATIENT.matcher(name).matches()) {
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

    // ------------------------------------------------------------------------------------------------
    // one patient

    /** The files and cfg values of both views of one patient directory. */
    private static void readPatient(
            Path root,
            DatasetFiles files,
            Path dir,
            Split split,
            CamusRelease release,
            boolean gtExpected,
            List<CamusRecord> records,
            Problems problems) {
        String patient = dir.getFileName().toString();
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p)) {
                    names.add(p.getFileName().toString());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            problems.reject(
                    new IndexProblem(
                            patient, rel(root, dir), "cannot be listed (" + e.getMessage() + "); patient left out"),
                    split,
                    null);
            return;
        }
        for (CamusView view : CamusView.values()) {
            CamusRecord r = readView(root, files, dir, patient, view, split, release, gtExpected, names, problems);
            if (r != null) {
                records.add(r);
            }
        }
    }

    private static CamusRecord readView(
            Path root,
            DatasetFiles files,
            Path dir,
            String patient,
            CamusView view,
            Split split,
            CamusRelease release,
            boolean gtExpected,
            Set<String> names,
            Problems problems) {
        String id = patient + "_" + view.tag();
        String seqName = release == CamusRelease.MHD ? "_sequence" : "_half_sequence";
        String cfgName = "Info_" + view.tag() + ".cfg";
        List<String> missing = new ArrayList<>();
        if (!names.contains(cfgName)) {
            missing.add(cfgName);
        }
        String ed = image(names, id + "_ED", release, missing);
        String es = image(names, id + "_ES", release, missing);
        String seq = image(names, id + seqName, release, missing);
        if (!missing.isEmpty()) {
            problems.reject(
                    new IndexProblem(id, rel(root, dir), "missing " + String.join(", ", missing) + "; view left out"),
                    split,
                    view);
            return null;
        }
        List<String> missingGt = new ArrayList<>();
        String edGt = image(names, id + "_ED_gt", release, missingGt);
        String esGt = image(names, id + "_ES_gt", release, missingGt);
        String seqGt = release == CamusRelease.NIFTI ? image(names, id + seqName + "_gt", release, missingGt) : null;
        if (gtExpected && !missingGt.isEmpty()) {
            problems.add(new IndexProblem(
                    id,
                    rel(root, dir),
                    "missing ground truth " + String.join(", ", missingGt)
                            + (edGt == null ? "; kept, but its segmentation targets cannot be made" : "; kept")));
        }

        Path cfg = dir.resolve(cfgName);
        int edFrame;
        int esFrame;
        int nbFrame;
        float ef;
        OptionalDouble frameRate;
        String quality;
        try {
            CamusInfo info = CamusInfo.read(files.check(cfg));
            edFrame = info.ed();
            esFrame = info.es();
            nbFrame = info.nbFrame();
            if (info.ef().isEmpty()) {
                problems.reject(
                        new IndexProblem(
                                id,
                                rel(root, cfg),
                                "no LVef (original release) or EF (2023 release);" + " view left out"),
                        split,
                        view);
                return null;
            }
            ef = (float) info.ef().getAsDouble();
            frameRate = info.frameRate();
            quality = info.imageQuality().orElse("");
        } catch (DatasetException e) {
            problems.reject(
                    new IndexProblem(
                            id, rel(root, cfg), reason(e, e.file() != null ? e.file() : cfg) + "; view left out"),
                    split,
                    view);
            return null;
        }
        String bad = null;
        if (nbFrame < 1) {
            bad = "NbFrame must be >= 1 but was " + nbFrame;
        } else if (edFrame < 1 || edFrame > nbFrame) {
            bad = "ED must be a frame number in 1.." + nbFrame + " (NbFrame) but was " + edFrame;
        } else if (esFrame < 1 || esFrame > nbFrame) {
            bad = "ES must be a frame number in 1.." + nbFrame + " (NbFrame) but was " + esFrame;
        } else if (!Float.isFinite(ef)) {
            bad = "EF must be a finite number but was " + ef;
        } else if (frameRate.isPresent()
                && !(frameRate.getAsDouble() > 0 && Double.isFinite(frameRate.getAsDouble()))) {
            bad = "FrameRate must be a positive number but was " + frameRate.getAsDouble();
        }
        if (bad != null) {
            problems.reject(new IndexProblem(id, rel(root, cfg), bad + "; view left out"), split, view);
            return null;
        }
        return new CamusRecord(
                id,
                patient,
                view,
                split,
                release,
                cfg,
                dir.resolve(ed),
                dir.resolve(es),
                path(dir, edGt),
                path(dir, esGt),
                dir.resolve(seq),
                path(dir, seqGt),
                edFrame,
                esFrame,
                nbFrame,
                ef,
                frameRate,
                quality);
    }

    /** The file name of image {@code stem} in this release's format, or null after adding it to {@code missing}. */
    private static String image(Set<String> names, String stem, CamusRelease release, List<String> missing) {
        if (release == CamusRelease.MHD) {
            String name = stem + ".mhd";
            if (names.contains(name)) {
                return name;
            }
            missing.add(name);
            return null;
        }
        if (names.contains(stem + ".nii.gz")) {
            return stem + ".nii.gz";
        }
        if (names.contains(stem + ".nii")) {
            return stem + ".nii";
        }
        missing.add(stem + ".nii.gz");
        return null;
    }

    /** The patient directories of a release folder, by name; other entries are reported once each. */
    private static List<Path> patientDirs(Path root, Path folder, Problems problems) {
        List<Path> out = new ArrayList<>();
        for (Path p : sortedEntries(folder)) {
            String name = p.getFileName().toString();
            if (hidden(p)) {
                continue;
            }
            if (!Files.isDirectory(p)) {
                continue; // a stray README or archive next to the patients
            }
            if (!PATIENT.matcher(name).matches()) {
                problems.add(new IndexProblem("", rel(root, p), "not a patientNNNN directory; ignored"));
                continue;
            }
            out.add(p);
        }
        return out;
    }

    private static List<Path> sortedEntries(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                out.add(p);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException(dir, "cannot be listed: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static Path path(Path dir, String name) {
        return name == null ? null : dir.resolve(name);
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /** The exception's reason without the file name that prefixes its message (the problem names the file). */
    private static String reason(DatasetException e, Path file) {
        String m = e.getMessage();
        String prefix = file + ": ";
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
    }

    private static Map<String, Split> linked(String k1, Split v1, String k2, Split v2, String k3, Split v3) {
        Map<String, Split> m = new java.util.LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        m.put(k3, v3);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** What the reader left out: every problem, and among them the patients or views it rejected. */
    private static final class Problems {
        final List<IndexProblem> all = new ArrayList<>();
        final List<CamusIndex.Rejected> rejected = new ArrayList<>();

        void add(IndexProblem p) {
            all.add(p);
        }

        /** A patient ({@code view} null: both views) or one view left out; {@code split} null: in no list. */
        void reject(IndexProblem p, Split split, CamusView view) {
            all.add(p);
            rejected.add(new CamusIndex.Rejected(p, split, view));
        }
    }
}
