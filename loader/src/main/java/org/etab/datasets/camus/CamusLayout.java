package org.etab.datasets.camus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.etab.decode.DatasetException;
import org.etab.source.IndexProblem;

/**
 * Where a CAMUS copy lies: the directory holding a release's folders (the given root or the one subdirectory that
 * holds them), which release it is, and the patient directories of a release folder. Only directory listings are
 * read; the layout rules are {@link CamusReader}'s contract.
 *
 * <p>Threading: immutable; {@link #locate} and {@link #patientDirs} may run on any thread.
 *
 * @param dir the directory holding the release's folders
 * @param release the release laid out in {@code dir}
 */
record CamusLayout(Path dir, CamusRelease release) {
    static final String TRAINING = "training";
    static final String TESTING = "testing";
    static final String NIFTI_DIR = "database_nifti";
    static final String SPLIT_DIR = "database_split";
    /** A patient directory's name, and a split list's entry. */
    static final Pattern PATIENT = Pattern.compile("patient\\d+");

    /**
     * The release at {@code root}, or in exactly one of its subdirectories.
     *
     * @throws DatasetException when {@code root} is not a directory, holds both releases (or a NIfTI release
     *     without its split lists), or no release or several are found; the message says what was looked for where
     */
    static CamusLayout locate(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root, "CAMUS directory not found");
        }
        CamusRelease here = detect(root);
        if (here != null) {
            return new CamusLayout(root, here);
        }
        List<CamusLayout> below = new ArrayList<>();
        for (Path sub : sortedEntries(root)) {
            if (Files.isDirectory(sub) && !hidden(sub)) {
                CamusRelease r = detect(sub);
                if (r != null) {
                    below.add(new CamusLayout(sub, r));
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

    /**
     * The patient directories of release folder {@code folder} ({@code training}, ...), by name; hidden entries and
     * files are skipped, other directories reported once each.
     *
     * @throws DatasetException when the folder cannot be listed
     */
    List<Path> patientDirs(String folder, CamusProblems problems) {
        List<Path> out = new ArrayList<>();
        for (Path p : sortedEntries(dir.resolve(folder))) {
            String name = p.getFileName().toString();
            if (hidden(p)) {
                continue;
            }
            if (!Files.isDirectory(p)) {
                continue; // a stray README or archive next to the patients
            }
            if (!PATIENT.matcher(name).matches()) {
                problems.add(new IndexProblem("", CamusProblems.rel(dir, p), "not a patientNNNN directory; ignored"));
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
}
