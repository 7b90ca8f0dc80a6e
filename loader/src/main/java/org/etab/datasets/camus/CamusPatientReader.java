package org.etab.datasets.camus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.etab.decode.DatasetException;
import org.etab.source.CsvColumns;
import org.etab.source.DatasetFiles;
import org.etab.source.IndexProblem;
import org.etab.source.PlanLoop;
import org.etab.source.Split;

/**
 * One patient directory to its records, one per view: the view's image files found in the directory listing (never
 * built from text read from a file), its values from its {@code Info_<view>.cfg} ({@link CamusInfo}), checked
 * against each other. A view that lacks a required file or has an unusable cfg is left out, reported; missing ground
 * truth is reported where the release folder should have it, and the view kept. The rules are {@link CamusReader}'s
 * contract.
 *
 * <p>Threading: one reader's, on its thread (it adds to that reader's {@link CamusProblems}).
 */
final class CamusPatientReader {
    private final CamusLayout layout;
    private final DatasetFiles files;
    private final CamusProblems problems;

    /** A patient directory as listed: its regular files' names. */
    /** A patient directory's regular files by name, and the names there that are something else (FIFO, folder). */
    private record Patient(
            Path dir, String name, Set<String> files, Set<String> notFiles, Split split, boolean gtExpected) {}

    /**
     * @param layout the release being read; problems name files relative to its directory
     * @param files the check every cfg passes before it is read
     * @param problems where what is left out is reported
     */
    CamusPatientReader(CamusLayout layout, DatasetFiles files, CamusProblems problems) {
        this.layout = layout;
        this.files = files;
        this.problems = problems;
    }

    /**
     * Adds the usable views of patient directory {@code dir} to {@code records}, reporting the rest; a directory
     * that cannot be listed leaves the patient out, reported.
     *
     * @param gtExpected whether ground truth files belong in this folder (all but the original {@code testing/})
     */
    void read(Path dir, Split split, boolean gtExpected, List<CamusRecord> records) {
        String patient = dir.getFileName().toString();
        Set<String> names = new HashSet<>();
        Set<String> notFiles = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                (Files.isRegularFile(p) ? names : notFiles).add(p.getFileName().toString());
            }
        } catch (IOException | UncheckedIOException e) {
            problems.reject(
                    new IndexProblem(patient, rel(dir), "cannot be listed (" + e.getMessage() + "); patient left out"),
                    split,
                    null);
            return;
        }
        Patient p = new Patient(dir, patient, names, notFiles, split, gtExpected);
        for (CamusView view : CamusView.values()) {
            CamusRecord r = readView(p, view);
            if (r != null) {
                records.add(r);
            }
        }
    }

    private CamusRecord readView(Patient p, CamusView view) {
        CamusRelease release = layout.release();
        String id = p.name + "_" + view.tag();
        String seqName = release == CamusRelease.MHD ? "_sequence" : "_half_sequence";
        String cfgName = "Info_" + view.tag() + ".cfg";
        List<String> missing = new ArrayList<>();
        if (!p.files.contains(cfgName)) {
            missing.add(cfgName);
        }
        String ed = image(p.files, id + "_ED", release, missing);
        String es = image(p.files, id + "_ES", release, missing);
        String seq = image(p.files, id + seqName, release, missing);
        if (!missing.isEmpty()) {
            List<String> named = missing.stream()
                    .map(n -> p.notFiles.contains(n)
                            ? n + " (not a regular file: a folder, FIFO, device or broken link)"
                            : n)
                    .toList();
            problems.reject(
                    new IndexProblem(id, rel(p.dir), "missing " + String.join(", ", named) + "; view left out"),
                    p.split,
                    view);
            return null;
        }
        List<String> missingGt = new ArrayList<>();
        String edGt = image(p.files, id + "_ED_gt", release, missingGt);
        String esGt = image(p.files, id + "_ES_gt", release, missingGt);
        String seqGt = release == CamusRelease.NIFTI ? image(p.files, id + seqName + "_gt", release, missingGt) : null;
        if (p.gtExpected && !missingGt.isEmpty()) {
            problems.add(new IndexProblem(
                    id,
                    rel(p.dir),
                    "missing ground truth " + String.join(", ", missingGt)
                            + (edGt == null ? "; kept, but its segmentation targets cannot be made" : "; kept")));
        }

        Path cfg = p.dir.resolve(cfgName);
        CamusInfo info = readInfo(p, view, id, cfg);
        if (info == null) {
            return null;
        }
        return new CamusRecord(
                id,
                p.name,
                view,
                p.split,
                release,
                cfg,
                p.dir.resolve(ed),
                p.dir.resolve(es),
                path(p.dir, edGt),
                path(p.dir, esGt),
                p.dir.resolve(seq),
                path(p.dir, seqGt),
                info.ed(),
                info.es(),
                info.nbFrame(),
                info.ef(),
                info.frameRate(),
                info.imageQuality().orElse(""));
    }

    /** The view's cfg, or null when it cannot be used (the view is rejected, the reason noted). */
    private CamusInfo readInfo(Patient p, CamusView view, String id, Path cfg) {
        CamusInfo info;
        try {
            info = CamusInfo.read(cfg, files.check(cfg), files);
        } catch (DatasetException e) {
            if (CsvColumns.interruptedReading(e) != null) {
                throw e; // the reading thread was interrupted: not a fault of this cfg, and every later one fails too
            }
            problems.reject(
                    new IndexProblem(id, rel(cfg), reason(e, e.file() != null ? e.file() : cfg) + "; view left out"),
                    p.split,
                    view);
            return null;
        }
        String bad = invalid(info.nbFrame(), info.ed(), info.es(), info.ef(), info.frameRate());
        if (bad != null) {
            problems.reject(new IndexProblem(id, rel(cfg), bad + "; view left out"), p.split, view);
            return null;
        }
        if (info.efProblem() != null) {
            problems.add(new IndexProblem(
                    id, rel(cfg), info.efProblem() + "; kept, but its EF and CM samples cannot be made"));
        }
        return info;
    }

    /**
     * Why a cfg's values cannot describe a sequence, or null when they can. {@link CamusInfo#read} refuses these
     * already; kept so that a looser cfg parser could not let such a view through.
     */
    static String invalid(int nbFrame, int edFrame, int esFrame, OptionalDouble ef, OptionalDouble frameRate) {
        if (nbFrame < 1) {
            return "NbFrame must be >= 1 but was " + nbFrame;
        } else if (edFrame < 1 || edFrame > nbFrame) {
            return "ED must be a frame number in 1.." + nbFrame + " (NbFrame) but was " + edFrame;
        } else if (esFrame < 1 || esFrame > nbFrame) {
            return "ES must be a frame number in 1.." + nbFrame + " (NbFrame) but was " + esFrame;
        } else if (ef.isPresent() && !(ef.getAsDouble() >= 0 && ef.getAsDouble() <= 100)) { // a percentage
            return "EF must be 0 to 100 but was " + ef.getAsDouble();
        } else if (frameRate.isPresent()
                && !(frameRate.getAsDouble() >= PlanLoop.MIN_VIDEO_FPS
                        && frameRate.getAsDouble() <= PlanLoop.MAX_VIDEO_FPS)) {
            return "FrameRate must be " + (int) PlanLoop.MIN_VIDEO_FPS + " to " + (int) PlanLoop.MAX_VIDEO_FPS
                    + " but was " + frameRate.getAsDouble();
        }
        return null;
    }

    /**
     * The file name of image {@code stem} in this release's format ({@code .mhd}; {@code .nii.gz}, else
     * {@code .nii}), or null after adding the name expected to {@code missing}.
     */
    static String image(Set<String> names, String stem, CamusRelease release, List<String> missing) {
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

    private String rel(Path p) {
        return CamusProblems.rel(layout.dir(), p);
    }

    private static Path path(Path dir, String name) {
        return name == null ? null : dir.resolve(name);
    }

    /** The exception's reason without the file name that prefixes its message (the problem names the file). */
    private static String reason(DatasetException e, Path file) {
        String m = e.getMessage();
        String prefix = file + ": ";
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
    }
}
