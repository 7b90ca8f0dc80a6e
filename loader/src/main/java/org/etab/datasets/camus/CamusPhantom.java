package org.etab.datasets.camus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.etab.decode.ImageVolume;
import org.etab.decode.MetaImageWriter;
import org.etab.decode.NiftiWriter;
import org.etab.source.DatasetPhantom;
import org.etab.synth.PhantomWriter;
import org.etab.synth.Phantoms;

/**
 * Writes a phantom CAMUS dataset in exactly the layout of either public release, plus a small
 * {@value #MARKER} file that marks the directory as a phantom (a later run may overwrite it; a directory
 * without it is never touched).
 *
 * <p>Original release ({@link CamusRelease#MHD}):
 * <pre>
 * training/patientNNNN/patientNNNN_{2CH,4CH}_{ED,ES}[_gt].mhd (+ .raw/.zraw)   ED/ES frames and label maps
 *                      patientNNNN_{2CH,4CH}_sequence.mhd (+ .raw/.zraw)       the cycle, no ground truth
 *                      Info_{2CH,4CH}.cfg                                       ED, ES, NbFrame, ..., LVef
 * testing/patientNNNN/ the same without _gt files                                (the last ~20 % of patients)
 * </pre>
 * Patients cycle through the MetaImage storage variants: a {@code .raw} file, a zlib-compressed
 * {@code .zraw} file, and the data {@code LOCAL} in the header file.
 *
 * <p>2023 release ({@link CamusRelease#NIFTI}):
 * <pre>
 * database_nifti/patientNNNN/patientNNNN_{2CH,4CH}_{ED,ES}[_gt].nii.gz
 *                            patientNNNN_{2CH,4CH}_half_sequence[_gt].nii.gz     ED to ES, every frame labelled
 *                            Info_{2CH,4CH}.cfg                                   ..., EF, FrameRate
 * database_split/subgroup_{training,validation,testing}.txt                       ~80/10/10 %
 * </pre>
 *
 * <p>Content: each acquisition is a {@link CamusPhantomHeart} of its own non-square size (200-360 pixels a
 * side) over a sequence of 10-20 frames; ED is the largest cavity and ES the smallest. In the original
 * release ED and ES lie anywhere in the sequence, in the 2023 release at its ends; in about a third of the
 * acquisitions ED comes after ES. Label maps hold 0 background, 1 LV cavity, 2 myocardium, 3 left atrium and
 * match the pixels exactly. EF (one per patient, in both cfgs) comes from the ED and ES cavities of both
 * views by the area-length volume {@code 0.85 A^2 / L}; half of the patients have EF below 50 %.
 *
 * <p>Determinism: the same options give byte-identical files. Threading: {@link #write} blocks the caller
 * and writes sequentially; instances are immutable. Ownership: the files belong to the caller.
 */
public final class CamusPhantom extends PhantomWriter<CamusPhantom.Options, CamusPhantom.Summary> {

    /** Name of the file that marks a directory as written by a phantom generator. */
    public static final String MARKER = Phantoms.MARKER;

    static final int MIN_SIDE = 200;
    static final int MAX_SIDE = 360;
    static final int MIN_FRAMES = 10;
    static final int MAX_FRAMES = 20;
    /** Field of view depth the image height stands for, cm (spacing = this / height). */
    static final double DEPTH_CM = 15;
    /** Frame rates written to 2023-release cfgs. */
    static final int[] FRAME_RATES = {25, 30, 33, 40, 50};

    private static final String[] QUALITY = {"Good", "Medium", "Poor"};
    private static final String[] RELEASE_DIRS = {"training", "testing", "database_nifti", "database_split"};

    /**
     * What to generate.
     *
     * @param patients number of patients, 1..{@value DatasetPhantom#MAX_COUNT} (two acquisitions each)
     * @param seed     all content derives from it
     * @param release  which release's layout to write
     */
    public record Options(int patients, long seed, CamusRelease release) {
        /**
         * Checks the values.
         *
         * @param patients number of patients, 1..{@value DatasetPhantom#MAX_COUNT}
         * @param seed     any value
         * @param release  which release's layout to write; required
         * @throws IllegalArgumentException when {@code patients} is outside 1..{@value DatasetPhantom#MAX_COUNT}
         * @throws NullPointerException     when {@code release} is null
         */
        public Options {
            if (patients < 1 || patients > DatasetPhantom.MAX_COUNT) {
                throw new IllegalArgumentException(
                        "patients in 1.." + DatasetPhantom.MAX_COUNT + " required but was " + patients);
            }
            Objects.requireNonNull(release, "release");
        }
    }

    /**
     * What {@link #write} produced.
     *
     * @param root         the dataset directory
     * @param patients     patients written
     * @param acquisitions patient-views written (2 per patient)
     * @param bytes        bytes of all files written
     */
    public record Summary(Path root, int patients, int acquisitions, long bytes) {}

    /** One patient's plan, decided up front from the seed. */
    record Patient(String name, int number, String split, long seed, double contraction) {}

    /**
     * A writer of the phantom {@code options} describe; nothing is written until {@link #write}.
     *
     * @param options what to generate
     */
    public CamusPhantom(Options options) {
        super(options);
    }

    /**
     * As {@link #write(Path)}, calling {@code progress} with the number of patients written so far (1..patients),
     * on the calling thread, after each patient.
     */
    @Override
    public Summary write(Path out, IntConsumer progress) throws IOException {
        Objects.requireNonNull(out, "out");
        prepare(out);
        long bytes = Phantoms.writeMarker(
                out,
                "CAMUS dataset (" + options().release() + " layout)",
                options().seed(),
                "patients",
                options().patients());
        List<Patient> patients = plan();
        int done = 0;
        for (Patient p : patients) {
            bytes += writePatient(out, p);
            progress.accept(++done);
        }
        if (options().release() == CamusRelease.NIFTI) {
            bytes += writeSplitLists(out, patients);
        }
        return new Summary(out, patients.size(), 2 * patients.size(), bytes);
    }

    /** Refuses foreign non-empty directories; clears what an earlier phantom wrote. */
    private static void prepare(Path out) throws IOException {
        if (!Phantoms.claim(out, "CAMUS dataset")) {
            return;
        }
        for (String dir : RELEASE_DIRS) {
            deleteTree(out.resolve(dir));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    List<Patient> plan() {
        int n = options().patients();
        SplittableRandom rnd = new SplittableRandom(options().seed());
        String[] split = new String[n];
        if (options().release() == CamusRelease.MHD) {
            // numbered like the real release: training patients first, then testing (about 20 %)
            int testing = n >= 2 ? Math.max(1, (int) Math.round(n * 0.2)) : 0;
            for (int i = 0; i < n; i++) {
                split[i] = i < n - testing ? "training" : "testing";
            }
        } else {
            int val = n >= 3 ? Math.max(1, (int) Math.round(n * 0.1)) : 0;
            int test = n >= 3 ? Math.max(1, (int) Math.round(n * 0.1)) : 0;
            int[] order = Phantoms.permutation(n, rnd);
            for (int k = 0; k < n; k++) {
                split[order[k]] = k < val ? "validation" : k < val + test ? "testing" : "training";
            }
        }
        List<Patient> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seed = Phantoms.mix64(options().seed() + 0x9E3779B97F4A7C15L * (i + 1));
            SplittableRandom pr = new SplittableRandom(seed);
            // alternate weak and strong hearts so that EF falls on both sides of 50 %
            double contraction = i % 2 == 0 ? 0.08 + 0.08 * pr.nextDouble() : 0.22 + 0.14 * pr.nextDouble();
            out.add(new Patient(
                    String.format(Locale.ROOT, "patient%04d", i + 1), i, split[i], Phantoms.mix64(seed), contraction));
        }
        return out;
    }

    /** One view of one patient, drawn. */
    private record Acquisition(
            String tag,
            CamusPhantomHeart heart,
            int ed,
            int es,
            int frames,
            double spacingMm,
            byte[] pixels,
            byte[] labels,
            int edArea,
            int esArea,
            int fps,
            String quality) {}

    private long writePatient(Path out, Patient p) throws IOException {
        boolean nifti = options().release() == CamusRelease.NIFTI;
        Path dir = Files.createDirectories(
                out.resolve(nifti ? "database_nifti" : p.split()).resolve(p.name()));
        SplittableRandom rnd = new SplittableRandom(p.seed());
        List<Acquisition> views = new ArrayList<>(2);
        for (int v = 0; v < 2; v++) {
            views.add(draw(p, v == 0 ? "2CH" : "4CH", (p.number() + v) % 3 == 2, nifti, rnd));
        }
        // one EF per patient from both views (biplane-like): mean of the area-length volumes
        double edv = 0;
        double esv = 0;
        for (Acquisition a : views) {
            edv += volumeMl(a.edArea(), a.heart().length(0), a.spacingMm()) / views.size();
            esv += volumeMl(a.esArea(), a.heart().length(1), a.spacingMm()) / views.size();
        }
        double ef = 100 * (edv - esv) / edv;
        int age = 20 + rnd.nextInt(70);
        String sex = rnd.nextBoolean() ? "M" : "F";
        long bytes = 0;
        for (Acquisition a : views) {
            bytes += writeImages(dir, p, a, nifti);
            bytes += writeCfg(dir.resolve("Info_" + a.tag() + ".cfg"), a, edv, esv, ef, age, sex, nifti);
        }
        return bytes;
    }

    private Acquisition draw(Patient p, String tag, boolean edAfterEs, boolean nifti, SplittableRandom rnd) {
        int w = MIN_SIDE + rnd.nextInt(MAX_SIDE - MIN_SIDE + 1);
        int h = MIN_SIDE + rnd.nextInt(MAX_SIDE - MIN_SIDE + 1);
        if (w == h) {
            h = h > MIN_SIDE + 20 ? h - 17 : h + 17; // CAMUS images are never square
        }
        int frames = MIN_FRAMES + rnd.nextInt(MAX_FRAMES - MIN_FRAMES + 1);
        int ed;
        int es;
        if (nifti) { // the half sequence runs from ED to ES
            ed = edAfterEs ? frames - 1 : 0;
            es = edAfterEs ? 0 : frames - 1;
        } else { // a cycle with ED and ES somewhere inside, at least 4 frames apart
            int lo = rnd.nextInt(frames - 5);
            int hi = lo + 4 + rnd.nextInt(frames - lo - 4);
            ed = edAfterEs ? hi : lo;
            es = edAfterEs ? lo : hi;
        }
        CamusPhantomHeart heart = new CamusPhantomHeart(w, h, p.contraction(), rnd);
        int plane = w * h;
        byte[] pixels = new byte[frames * plane];
        byte[] labels = new byte[frames * plane];
        byte[] px = new byte[plane];
        byte[] lb = new byte[plane];
        int edArea = 0;
        int esArea = 0;
        for (int t = 0; t < frames; t++) {
            int area = heart.draw(phase(t, ed, es), rnd, lb, px);
            System.arraycopy(px, 0, pixels, t * plane, plane);
            System.arraycopy(lb, 0, labels, t * plane, plane);
            if (t == ed) {
                edArea = area;
            }
            if (t == es) {
                esArea = area;
            }
        }
        int fps = FRAME_RATES[rnd.nextInt(FRAME_RATES.length)];
        String quality = QUALITY[rnd.nextInt(QUALITY.length)];
        return new Acquisition(
                tag, heart, ed, es, frames, DEPTH_CM * 10 / h, pixels, labels, edArea, esArea, fps, quality);
    }

    /**
     * Cardiac phase of frame {@code t}: 0 at ED, 1 at ES, linear between them; outside that interval it
     * moves away from the nearer of the two, so ED stays the largest cavity and ES the smallest.
     */
    static double phase(int t, int ed, int es) {
        int lo = Math.min(ed, es);
        int hi = Math.max(ed, es);
        if (t >= lo && t <= hi) {
            return (double) Math.abs(t - ed) / Math.abs(es - ed);
        }
        int d = t < lo ? lo - t : t - hi;
        boolean nearEd = (t < lo) == (ed == lo);
        return nearEd ? Math.min(0.9, 0.12 * d) : Math.max(0.1, 1 - 0.12 * d);
    }

    /** Area-length volume {@code 0.85 A^2 / L}, ml, for an area in pixels and a length in pixels. */
    static double volumeMl(int areaPx, double lengthPx, double spacingMm) {
        double cm = spacingMm / 10;
        double area = areaPx * cm * cm;
        return 0.85 * area * area / (lengthPx * cm);
    }

    private long writeImages(Path dir, Patient p, Acquisition a, boolean nifti) throws IOException {
        String stem = p.name() + "_" + a.tag();
        int plane = a.heart().width * a.heart().height;
        boolean gt = !"testing".equals(p.split()) || nifti;
        long bytes = 0;
        bytes += image(dir, stem + "_ED", a, frame(a.pixels(), a.ed(), plane), 1, nifti, p);
        bytes += image(dir, stem + "_ES", a, frame(a.pixels(), a.es(), plane), 1, nifti, p);
        if (gt) {
            bytes += image(dir, stem + "_ED_gt", a, frame(a.labels(), a.ed(), plane), 1, nifti, p);
            bytes += image(dir, stem + "_ES_gt", a, frame(a.labels(), a.es(), plane), 1, nifti, p);
        }
        if (nifti) {
            bytes += image(dir, stem + "_half_sequence", a, a.pixels(), a.frames(), true, p);
            bytes += image(dir, stem + "_half_sequence_gt", a, a.labels(), a.frames(), true, p);
        } else {
            bytes += image(dir, stem + "_sequence", a, a.pixels(), a.frames(), false, p);
        }
        return bytes;
    }

    private static byte[] frame(byte[] all, int t, int plane) {
        byte[] f = new byte[plane];
        System.arraycopy(all, t * plane, f, 0, plane);
        return f;
    }

    /** Writes one image; MetaImage storage cycles per patient: .raw, .zraw, LOCAL. Returns the bytes written. */
    private static long image(Path dir, String stem, Acquisition a, byte[] data, int depth, boolean nifti, Patient p)
            throws IOException {
        int w = a.heart().width;
        int h = a.heart().height;
        double sp = a.spacingMm();
        double[] spacing = depth == 1 ? new double[] {sp, sp} : new double[] {sp, sp, 1};
        String name = stem + (nifti ? ".nii.gz" : ".mhd");
        ImageVolume v = ImageVolume.ofUint8(w, h, depth, spacing, data, name);
        Path file = dir.resolve(name);
        if (nifti) {
            NiftiWriter.write(file, v);
            return Files.size(file);
        }
        int storage = p.number() % 3;
        MetaImageWriter.write(file, v, storage == 1, storage == 2);
        long bytes = Files.size(file);
        for (String ext : new String[] {".raw", ".zraw"}) {
            Path data2 = dir.resolve(stem + ext);
            if (Files.exists(data2)) {
                bytes += Files.size(data2);
            }
        }
        return bytes;
    }

    private static long writeCfg(
            Path file, Acquisition a, double edv, double esv, double ef, int age, String sex, boolean nifti)
            throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("ED: ").append(a.ed() + 1).append('\n');
        s.append("ES: ").append(a.es() + 1).append('\n');
        s.append("NbFrame: ").append(a.frames()).append('\n');
        s.append("Sex: ").append(sex).append('\n');
        s.append("Age: ").append(age).append('\n');
        s.append("ImageQuality: ").append(a.quality()).append('\n');
        if (nifti) {
            s.append("EF: ").append(String.format(Locale.ROOT, "%.1f", ef)).append('\n');
            s.append("FrameRate: ").append(a.fps()).append('\n');
        } else {
            s.append("LVedv: ").append(String.format(Locale.ROOT, "%.2f", edv)).append('\n');
            s.append("LVesv: ").append(String.format(Locale.ROOT, "%.2f", esv)).append('\n');
            s.append("LVef: ").append(String.format(Locale.ROOT, "%.2f", ef)).append('\n');
        }
        Files.writeString(file, s, StandardCharsets.US_ASCII);
        return Files.size(file);
    }

    private static long writeSplitLists(Path out, List<Patient> patients) throws IOException {
        Path dir = Files.createDirectories(out.resolve("database_split"));
        long bytes = 0;
        for (String split : new String[] {"training", "validation", "testing"}) {
            StringBuilder s = new StringBuilder();
            for (Patient p : patients) {
                if (p.split().equals(split)) {
                    s.append(p.name()).append('\n');
                }
            }
            Path file = dir.resolve("subgroup_" + split + ".txt");
            Files.writeString(file, s, StandardCharsets.US_ASCII);
            bytes += Files.size(file);
        }
        return bytes;
    }
}
