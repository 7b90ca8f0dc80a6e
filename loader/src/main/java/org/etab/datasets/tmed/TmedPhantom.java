package org.etab.datasets.tmed;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import javax.imageio.ImageIO;
import org.etab.source.DatasetPhantom;
import org.etab.synth.PhantomWriter;
import org.etab.synth.Phantoms;

/**
 * Writes a phantom TMED-2 labeled set in the real layout:
 * <pre>
 * labels_per_image.csv                        query_key,view_label,diagnosis_label
 * TMED2_fold{0,1,2}_labeledpart.csv           ,query_key,SourceFolder,view_label,diagnosis_label,
 *                                             view_classifier_split,diagnosis_classifier_split
 * &lt;SourceFolder&gt;/&lt;query_key&gt;                   8-bit gray PNG, 112x112
 * </pre>
 * plus the {@value #MARKER} file that marks the directory as a phantom (so that a later run may overwrite it,
 * and a real dataset never is). The fold files start with an unnamed index column, as pandas writes it, and
 * list the used columns in another order than the dataset's documentation: readers must go by name.
 *
 * <p>Content: {@code patients} patients with one study each ({@code query_key} {@code <patient>s1_<image>.png}),
 * 5-7 images per study covering all five views ({@link TmedPhantomImage} draws each view recognizably
 * differently). Each study has one diagnosis, cycling over no_AS, mild_AS, mildtomod_AS, moderate_AS,
 * severe_AS and Not_Provided in a seeded order, so with 6 or more patients every label occurs. Studies with a
 * diagnosis lie under {@value #DIAGNOSIS_FOLDER}, the others under {@value #VIEW_FOLDER}. Each fold splits
 * the patients (so no patient is in two splits) into about 60/20/20 % train/val/test, separately and
 * differently for {@code view_classifier_split} and {@code diagnosis_classifier_split}; with 3 or more
 * patients every split occurs in both columns of every fold.
 *
 * <p>Determinism: the same options give byte-identical files. Threading: {@link #write} blocks the caller
 * and uses no other thread; instances are immutable. Ownership: the files belong to the caller.
 */
public final class TmedPhantom extends PhantomWriter<TmedPhantom.Options, TmedPhantom.Summary> {

    /** Name of the file that marks a directory as a phantom (the same as {@link Phantoms#MARKER}). */
    public static final String MARKER = Phantoms.MARKER;

    /** Name of the per-image labels file, directly under the root. */
    static final String LABELS_FILE = "labels_per_image.csv";
    /** The header line written to {@link #LABELS_FILE}. */
    static final String LABELS_HEADER = "query_key,view_label,diagnosis_label";
    /** The header line written to each fold file: an unnamed index column first, columns not in documented order. */
    static final String FOLD_HEADER =
            ",query_key,SourceFolder,view_label,diagnosis_label,view_classifier_split,diagnosis_classifier_split";

    /** SourceFolder of the studies with a diagnosis. */
    public static final String DIAGNOSIS_FOLDER = "view_and_diagnosis_labeled_set/labeled";
    /** SourceFolder of the studies whose diagnosis is Not_Provided. */
    public static final String VIEW_FOLDER = "view_labeled_set/labeled";

    /** view_label values, in class order. */
    public static final List<String> VIEWS = List.of("PLAX", "PSAX", "A4C", "A2C", "A4CorA2CorOther");
    /** diagnosis_label values, Not_Provided last. */
    public static final List<String> DIAGNOSES =
            List.of("no_AS", "mild_AS", "mildtomod_AS", "moderate_AS", "severe_AS", "Not_Provided");

    private static final String[] SPLITS = {"train", "val", "test"};

    /**
     * What to generate.
     *
     * @param patients patients (one study each, 5-7 images per study), 1..{@value DatasetPhantom#MAX_COUNT}
     * @param seed     all content, names, labels and splits derive from it
     */
    public record Options(int patients, long seed) {
        /**
         * Checks the patient count.
         *
         * @param patients patients, 1..{@value DatasetPhantom#MAX_COUNT}
         * @param seed     any value
         * @throws IllegalArgumentException when {@code patients} is outside 1..{@value DatasetPhantom#MAX_COUNT}
         */
        public Options {
            if (patients < 1 || patients > DatasetPhantom.MAX_COUNT) {
                throw new IllegalArgumentException(
                        "patients in 1.." + DatasetPhantom.MAX_COUNT + " required but was " + patients);
            }
        }
    }

    /**
     * What {@link #write} produced.
     *
     * @param root     the dataset directory
     * @param patients patients (studies) written
     * @param images   PNG files written
     * @param bytes    bytes of all files written (images, CSVs, marker)
     */
    public record Summary(Path root, int patients, int images, long bytes) {}

    /** One image to write. */
    private record Still(String queryKey, String folder, int view, int diagnosis, int patient, long seed) {}

    /**
     * A writer of the phantom {@code options} describe; nothing is written until {@link #write}.
     *
     * @param options what to generate
     */
    public TmedPhantom(Options options) {
        super(options);
    }

    /**
     * The name of a fold's file.
     *
     * @param fold the fold number (the phantom writes 0, 1 and 2)
     * @return {@code TMED2_fold<fold>_labeledpart.csv}
     */
    public static String foldFile(int fold) {
        return "TMED2_fold" + fold + "_labeledpart.csv";
    }

    /**
     * As {@link #write(Path)}, calling {@code progress} with the number of images written so far, on the calling
     * thread, after each image.
     */
    @Override
    public Summary write(Path out, IntConsumer progress) throws IOException {
        Objects.requireNonNull(out, "out");
        prepare(out);
        long bytes = Phantoms.writeMarker(
                out, "TMED-2 dataset", options().seed(), "patients", options().patients());
        SplittableRandom rnd = new SplittableRandom(options().seed());
        int n = options().patients();
        int[] patientIds = patientIds(n, rnd);
        int[] diagnosis = new int[n];
        int[] order = Phantoms.permutation(n, rnd);
        for (int k = 0; k < n; k++) {
            diagnosis[order[k]] = k % DIAGNOSES.size();
        }
        String[][][] splits = new String[3][2][]; // [fold][0 view, 1 diagnosis][patient]
        for (int fold = 0; fold < 3; fold++) {
            for (int column = 0; column < 2; column++) {
                splits[fold][column] = splits(n, rnd);
            }
        }
        List<Still> stills = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            int images = 5 + rnd.nextInt(3);
            int[] views = Phantoms.permutation(5, rnd);
            String folder = diagnosis[p] == DIAGNOSES.size() - 1 ? VIEW_FOLDER : DIAGNOSIS_FOLDER;
            for (int i = 0; i < images; i++) {
                int view = i < 5 ? views[i] : rnd.nextInt(5);
                stills.add(
                        new Still(patientIds[p] + "s1_" + i + ".png", folder, view, diagnosis[p], p, rnd.nextLong()));
            }
        }
        BufferedImage image =
                new BufferedImage(TmedPhantomImage.SIZE, TmedPhantomImage.SIZE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int written = 0;
        for (Still s : stills) {
            Path dir = Files.createDirectories(out.resolve(s.folder()));
            Path file = dir.resolve(s.queryKey());
            TmedPhantomImage.render(s.view(), new SplittableRandom(s.seed()), pixels);
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer in javax.imageio for " + file);
            }
            bytes += Files.size(file);
            progress.accept(++written);
        }
        bytes += writeLabels(out, stills);
        for (int fold = 0; fold < 3; fold++) {
            bytes += writeFold(out, fold, stills, splits[fold]);
        }
        return new Summary(out, n, stills.size(), bytes);
    }

    /** Refuses foreign non-empty directories; clears what an earlier phantom wrote here. */
    private static void prepare(Path out) throws IOException {
        if (!Phantoms.claim(out, "TMED-2 dataset")) {
            return;
        }
        // Only what a phantom writes: a smaller rerun must not leave stale images behind.
        Files.deleteIfExists(out.resolve(LABELS_FILE));
        for (int fold = 0; fold < 3; fold++) {
            Files.deleteIfExists(out.resolve(foldFile(fold)));
        }
        for (String folder : List.of(DIAGNOSIS_FOLDER, VIEW_FOLDER)) {
            Phantoms.deleteFiles(out.resolve(folder), "*.png");
        }
    }

    /** Distinct 4-5 digit patient numbers, in increasing order. */
    private static int[] patientIds(int n, SplittableRandom rnd) {
        Set<Integer> used = new HashSet<>();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            int id;
            do {
                id = 1000 + rnd.nextInt(99_000);
            } while (!used.add(id));
            ids[i] = id;
        }
        java.util.Arrays.sort(ids);
        return ids;
    }

    /** A split per patient: seeded, exact proportions; every split occurs from 3 patients on. */
    private static String[] splits(int n, SplittableRandom rnd) {
        int[] order = Phantoms.permutation(n, rnd);
        int held = n < 3 ? 0 : Math.max(1, (int) Math.round(n * 0.2));
        String[] split = new String[n];
        for (int k = 0; k < n; k++) {
            split[order[k]] = k < n - 2 * held ? SPLITS[0] : k < n - held ? SPLITS[1] : SPLITS[2];
        }
        return split;
    }

    private static long writeLabels(Path out, List<Still> stills) throws IOException {
        return Phantoms.writeCsv(out.resolve(LABELS_FILE), LABELS_HEADER, w -> {
            for (Still s : stills) {
                w.write(s.queryKey() + "," + VIEWS.get(s.view()) + "," + DIAGNOSES.get(s.diagnosis()) + "\n");
            }
        });
    }

    private static long writeFold(Path out, int fold, List<Still> stills, String[][] splits) throws IOException {
        return Phantoms.writeCsv(out.resolve(foldFile(fold)), FOLD_HEADER, w -> {
            int row = 0;
            for (Still s : stills) {
                w.write(row++ + "," + s.queryKey() + "," + s.folder() + "," + VIEWS.get(s.view()) + ","
                        + DIAGNOSES.get(s.diagnosis()) + "," + splits[0][s.patient()] + "," + splits[1][s.patient()]
                        + "\n");
            }
        });
    }
}
