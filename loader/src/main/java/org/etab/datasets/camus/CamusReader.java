package org.etab.datasets.camus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
    // Stages: CamusLayout finds the release and its patient directories, CamusSplitLists reads the 2023 split
    // lists, CamusPatientReader turns one patient directory into records; CamusProblems collects what they leave out.

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
        CamusLayout.locate(root); // a missing root or layout is named as such
        return read(root, DatasetFiles.under(root));
    }

    /**
     * As {@link #read(Path)}, reading each {@code Info_*.cfg} and split list only when {@code files} allows it
     * (a regular file whose real path lies under the root, unless it allows more); a refused cfg leaves its view
     * out, reported, and a refused split list is an error.
     *
     * @param root  the dataset directory, {@code camus_dir} in ETAB's options
     * @param files which files may be read
     * @return the usable acquisitions and every problem found
     * @throws DatasetException as {@link #read(Path)}, and also when {@code files} refuses a split list
     */
    public static CamusIndex read(Path root, DatasetFiles files) {
        Objects.requireNonNull(root, "root");
        CamusLayout at = CamusLayout.locate(root);
        CamusProblems problems = new CamusProblems();
        List<CamusRecord> records = new ArrayList<>();
        CamusPatientReader patients = new CamusPatientReader(at, files, problems);
        if (at.release() == CamusRelease.MHD) {
            readOriginal(at, patients, records, problems);
        } else {
            readNifti(at, files, patients, records, problems);
        }
        records.sort(Comparator.comparing(CamusRecord::patient).thenComparing(CamusRecord::view));
        return new CamusIndex(at.dir(), at.release(), records, problems.all, problems.rejected);
    }

    /** {@code training/} is split TRAIN with ground truth, {@code testing/} split TEST without. */
    private static void readOriginal(
            CamusLayout at, CamusPatientReader patients, List<CamusRecord> records, CamusProblems problems) {
        for (String folder : List.of(CamusLayout.TRAINING, CamusLayout.TESTING)) {
            boolean training = folder.equals(CamusLayout.TRAINING);
            if (!Files.isDirectory(at.dir().resolve(folder))) {
                problems.add(new IndexProblem(
                        "", folder + "/", "not found; split " + (training ? "train" : "test") + " is empty"));
                continue;
            }
            Split split = training ? Split.TRAIN : Split.TEST;
            for (Path patient : at.patientDirs(folder, problems)) {
                patients.read(patient, split, training, records);
            }
        }
    }

    /** Every patient of {@code database_nifti/} in the split its list names; the lists and directories must agree. */
    private static void readNifti(
            CamusLayout at,
            DatasetFiles files,
            CamusPatientReader patients,
            List<CamusRecord> records,
            CamusProblems problems) {
        Map<String, Split> splits = CamusSplitLists.read(at.dir(), files, problems);
        Set<String> seen = new HashSet<>();
        for (Path patient : at.patientDirs(CamusLayout.NIFTI_DIR, problems)) {
            String name = patient.getFileName().toString();
            seen.add(name);
            Split split = splits.get(name);
            if (split == null) {
                problems.reject(
                        new IndexProblem(
                                name,
                                CamusProblems.rel(at.dir(), patient),
                                "in no " + CamusLayout.SPLIT_DIR + "/subgroup_*.txt list; left out"),
                        null,
                        null);
                continue;
            }
            patients.read(patient, split, true, records);
        }
        for (Map.Entry<String, Split> e : splits.entrySet()) {
            if (!seen.contains(e.getKey())) {
                problems.reject(
                        new IndexProblem(
                                e.getKey(),
                                CamusLayout.NIFTI_DIR + "/" + e.getKey(),
                                "listed for split " + e.getValue().name().toLowerCase()
                                        + " but there is no such patient directory"),
                        e.getValue(),
                        null);
            }
        }
    }
}
