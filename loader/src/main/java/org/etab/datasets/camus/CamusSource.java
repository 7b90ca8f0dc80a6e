package org.etab.datasets.camus;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.etab.batch.BatchPool;
import org.etab.decode.DatasetException;
import org.etab.decode.Deadline;
import org.etab.decode.DecodeException;
import org.etab.decode.DecodeTimeoutException;
import org.etab.decode.FileOpener;
import org.etab.decode.ImageVolume;
import org.etab.decode.MetaImageReader;
import org.etab.decode.NiftiReader;
import org.etab.sampling.ClipSampler;
import org.etab.sampling.ClipStart;
import org.etab.source.DatasetFiles;
import org.etab.source.DirectoryOpener;
import org.etab.source.FeatureWriter;
import org.etab.source.IndexProblem;
import org.etab.source.LabelWriter;
import org.etab.source.PlanLoop;
import org.etab.source.RecordLabels;
import org.etab.source.RecordSource;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import org.etab.source.Stage;
import org.etab.source.Target;

/**
 * CAMUS as a {@link SampleSource}: records from {@link CamusReader}, pixels from the MetaImage or NIfTI
 * files, targets per ETAB.
 *
 * <p>Features ({@code H x W} = the requested frame size, {@code C} = 3 or 1 channels):
 * <ul>
 *   <li>{@code video=false}: {@code [C, H, W]}, the annotated end-diastolic frame (the {@code _ED} file) for
 *       every target. ETAB says "the first frame"; for CAMUS the ED frame is the one frame of each
 *       acquisition that is stored on its own and annotated, so it is used throughout (ES/ED labels are still
 *       frame numbers in the sequence).</li>
 *   <li>{@code video=true}: {@code [C, T, H, W]}, a clip from the sequence ({@code _sequence} in the original
 *       release, the ED-to-ES {@code _half_sequence} in the 2023 one), chosen by {@link ClipSampler} at the
 *       cfg's {@code FrameRate}, or 25 fps when the cfg has none (the original release never has one; the
 *       true rate of those files is not published). Positions past the end of the sequence are zero frames
 *       with {@code padding}, else the sample fails.</li>
 * </ul>
 * Labels:
 * <ul>
 *   <li>EF float32 {@code [1]}: cfg {@code LVef}/{@code EF}, percent. CM int32 {@code [1]}: 1 when EF &lt; 50.</li>
 *   <li>ES/ED int32 {@code [2]}: for a still, the 0-based frame numbers in the sequence (cfg value - 1); for a
 *       clip, the positions of those frames in the clip, -1 when it does not contain them.</li>
 *   <li>view int32 {@code [1]}: AP2CH 0, AP4CH 1 ({@link CamusView#label()}).</li>
 *   <li>LV_seg / MY_seg / LA_seg uint8 {@code [H, W]}: 1 where the {@code _ED_gt} label map holds 1 / 2 / 3,
 *       resized nearest. With {@code video=true} the mask is still that of the ED frame (the clip need not
 *       contain it). Records without ground truth (the original release's testing patients) are failed
 *       samples at plan time, with the reason, never empty masks; a selection in which no record has ground
 *       truth is refused when the source is built.</li>
 * </ul>
 *
 * <p>Sizes: CAMUS frames differ in size from patient to patient and are not square, so a frame size is
 * required; {@linkplain SampleOptions#nativeSize() native size} is refused when the source is built (the
 * index holds no image sizes: finding out whether they agree would mean opening every file).
 *
 * <p>Threading: {@link #plan} is pure and runs on any thread; a worker is confined to one thread at a time.
 * Ownership: a worker holds only heap scratch (no native resources); each sample reads its files whole and
 * drops them. Errors: an unreadable or malformed file is a failed sample at stage {@code decode} naming it; a
 * sample whose files are not read before its deadline, one at stage {@code timeout} naming the file.
 */
public final class CamusSource extends RecordSource<CamusRecord> {
    /** What CAMUS offers, in ETAB's order. */
    public static final List<Target> TARGETS =
            List.of(Target.EF, Target.LV_SEG, Target.LA_SEG, Target.MY_SEG, Target.ES_ED, Target.VIEW, Target.CM);

    /** Frame rate assumed for a sequence whose cfg has no {@code FrameRate} (every original-release file). */
    static final double DEFAULT_FRAME_RATE = 25.0;

    private static final RecordLabels<CamusRecord> LABELS = RecordLabels.<CamusRecord>builder()
            .ef(r -> r.ef().orElseThrow()) // planRecord fails EF and CM samples of records without one
            .esEd(CamusRecord::esIndex, CamusRecord::edIndex)
            .classIndex(r -> r.view().label())
            .build();

    /** The one frame of an {@code _ED} file. */
    private static final int[] ED_FILE_FRAME = {0};

    /** The gt label a segmentation target keeps, or 0 for other targets. */
    private final int segLabel;

    private final DatasetFiles files;

    /**
     * @param records the selection ({@link CamusIndex#select})
     * @param options the sample options; the frame size must be set (not native)
     * @throws IllegalArgumentException when the target is not one of {@link #TARGETS} (naming those), the
     *                                  frame size is native, or a segmentation target is asked of a selection
     *                                  without any ground truth
     */
    public CamusSource(List<CamusRecord> records, SampleOptions options) {
        this(records, List.of(), options, DatasetFiles.anywhere());
    }

    /**
     * As above, reading only the files {@code files} allows (a refused file is a failed sample naming why);
     * {@link CamusProvider} confines a dataset's files to its root.
     *
     * @param records  the selection ({@link CamusIndex#select})
     * @param rejected the selection's views the index left out, reported as failed samples
     * @param options  the sample options; the frame size must be set (not native)
     * @param files    which files may be read
     * @throws IllegalArgumentException as {@link #CamusSource(List, SampleOptions)}
     */
    public CamusSource(
            List<CamusRecord> records, List<IndexProblem> rejected, SampleOptions options, DatasetFiles files) {
        this(records, records, rejected, options, files);
    }

    /**
     * As above, for one part of a larger selection (a size group of {@link CamusProvider#openNative}): the part may
     * lack ground truth as long as the selection has some; its records without it are failed samples.
     *
     * @param records   this source's records, part of {@code selection}
     * @param selection the whole selection, checked for ground truth
     * @param rejected  the selection's views the index left out, reported as failed samples
     * @param options   the sample options; the frame size must be set (not native)
     * @param files     which files may be read
     * @throws IllegalArgumentException as {@link #CamusSource(List, SampleOptions)}, for {@code selection}
     */
    CamusSource(
            List<CamusRecord> records,
            List<CamusRecord> selection,
            List<IndexProblem> rejected,
            SampleOptions options,
            DatasetFiles files) {
        super("camus", TARGETS, records, rejected, options, CamusSource::nativeSize, LABELS);
        this.files = files;
        this.segLabel = switch (options.target()) {
            case LV_SEG -> 1;
            case MY_SEG -> 2;
            case LA_SEG -> 3;
            default -> 0;
        };
        if (segLabel != 0 && !selection.isEmpty() && selection.stream().noneMatch(CamusRecord::hasGt)) {
            throw new IllegalArgumentException("target '" + options.target().etabName()
                    + "' needs ground truth (_ED_gt)"
                    + " but none of the " + selection.size() + " selected records has it (the original release's "
                    + "testing patients are not annotated); select split train");
        }
        if (needsEf(options.target())
                && !selection.isEmpty()
                && selection.stream().noneMatch(r -> r.ef().isPresent())) {
            throw new IllegalArgumentException("target '" + options.target().etabName() + "' needs an EF but none of"
                    + " the " + selection.size() + " selected records' Info_*.cfg has an LVef or EF that is a number"
                    + " (the original release's testing cfgs may have none; its training ones do)");
        }
    }

    private static boolean needsEf(Target target) {
        return target == Target.EF || target == Target.CM;
    }

    private static FrameSize nativeSize(List<CamusRecord> records) {
        throw new IllegalArgumentException("native frame size is not available for camus: image sizes differ from "
                + "patient to patient (and are not square); choose a frame size (e.g. 256x256)");
    }

    /** The frame rate clips are sampled at for {@code r}: its cfg's, else {@value #DEFAULT_FRAME_RATE}. */
    static double frameRate(CamusRecord r) {
        return r.frameRate().orElse(DEFAULT_FRAME_RATE);
    }

    @Override
    protected void planRecord(CamusRecord rec, PlanLoop.Plans plans) {
        boolean video = options().clip().video();
        String file = (video ? rec.sequence() : rec.ed()).toString();
        if (needsEf(options().target()) && rec.ef().isEmpty()) {
            plans.failed(
                    rec.id(),
                    rec.cfg().toString(),
                    new int[0],
                    "no EF: " + rec.cfg() + " has no LVef (original release) or EF (2023 release) that is a number,"
                            + " so there is no "
                            + options().target().etabName() + " label");
        } else if (segLabel != 0 && !rec.hasGt()) {
            plans.failed(
                    rec.id(),
                    file,
                    new int[0],
                    "no ground truth: " + rec.id() + "_ED_gt is missing ("
                            + rec.split().name().toLowerCase() + " split), so there is no "
                            + options().target().etabName()
                            + " mask");
        } else if (video) {
            plans.clips(rec.id(), file, rec.frames(), frameRate(rec));
        } else {
            plans.still(rec.id(), file, rec.edIndex());
        }
    }

    @Override
    public SampleWorker newWorker() {
        return new Worker();
    }

    /**
     * Reads a whole MetaImage or NIfTI file, any regular file; a {@link DatasetException} becomes a failed sample.
     *
     * @param file a {@code .mhd} file (MetaImage, with its data file beside it) or else a NIfTI file
     * @return the image or sequence; the caller owns it (immutable)
     * @throws SampleException of stage {@code decode} when the file is missing, unreadable or malformed, naming it
     */
    public static ImageVolume readVolume(Path file) {
        return readVolume(file, DatasetFiles.anywhere());
    }

    /**
     * Reads a whole MetaImage or NIfTI file, and a MetaImage's data file, when {@code files} allows them; a
     * {@link DatasetException} (a refused file included) becomes a failed sample.
     *
     * @param file  a {@code .mhd} file (MetaImage, with its data file beside it) or else a NIfTI file
     * @param files which files may be read
     * @return the image or sequence; the caller owns it (immutable)
     * @throws SampleException of stage {@code decode} when the file is refused, missing, unreadable or malformed,
     *                         naming it
     */
    public static ImageVolume readVolume(Path file, DatasetFiles files) {
        return readVolume(file, files, Deadline.NONE);
    }

    /**
     * As {@link #readVolume(Path, DatasetFiles)}, giving up once {@code System.nanoTime()} passes
     * {@code deadlineNanos} (a failed sample of stage {@code timeout} naming the file).
     */
    static ImageVolume readVolume(Path file, DatasetFiles files, long deadlineNanos) {
        return readVolume(file, files.opener(deadlineNanos));
    }

    /** As {@link #readVolume(Path, DatasetFiles)}, opening the image's files with {@code opener}. */
    private static ImageVolume readVolume(Path file, FileOpener opener) {
        try {
            String name = file.getFileName().toString();
            return name.endsWith(".mhd") ? MetaImageReader.read(file, opener) : NiftiReader.read(file, opener);
        } catch (DecodeTimeoutException e) {
            throw new SampleException(Stage.TIMEOUT, e.getMessage(), e);
        } catch (DatasetException | DecodeException | UncheckedIOException e) {
            throw new SampleException(Stage.DECODE, e.getMessage(), e);
        }
    }

    /**
     * One decode thread's file opener (an image and its data file share a patient's directory) and scratch memory:
     * slices of the largest image seen so far. With every clip of a sequence planned ({@code ClipStart.ALL}), whose
     * clips come one after another, it keeps the last sequence it read, so that each is read (and inflated) once per
     * run of its clips rather than once per clip; it drops it before reading another, so a worker holds one image.
     */
    private final class Worker implements SampleWorker {
        private final DirectoryOpener opener = files.newDirectoryOpener();
        private final FeatureWriter.Sink frames = featureWriter().newSink();
        private final LabelWriter.Mask mask = new LabelWriter.Mask();
        private final boolean keepSequence =
                options().clip().video() && options().clip().start() == ClipStart.ALL;
        private byte[] slice = new byte[0];
        private Path keptFile;
        private ImageVolume kept;

        @Override
        public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadlineNanos) {
            CamusRecord rec = records().get(plan.record());
            boolean video = options().clip().video();
            FileOpener openFile = file -> opener.open(file, deadlineNanos);
            ImageVolume image = video ? sequence(rec.sequence(), openFile) : readVolume(rec.ed(), openFile);
            long bytes = (long) image.sliceLength();
            int[] want = video ? plan.frames() : ED_FILE_FRAME;
            int valid = 0;
            while (valid < want.length && want[valid] < image.depth()) {
                valid++;
            }
            if (valid == 0) {
                throw new SampleException(
                        Stage.DECODE,
                        image.source() + ": frame " + want[0] + " is past the end of the " + image.depth()
                                + "-frame image (cfg NbFrame " + rec.frames() + ")");
            }
            if (valid < want.length && !options().clip().padding()) {
                throw new SampleException(
                        Stage.DECODE,
                        image.source() + ": the sequence has " + image.depth()
                                + " frames but the clip needs frame " + want[valid] + " (cfg NbFrame " + rec.frames()
                                + "; padding is off)");
            }
            labelWriter().requireLabelFrames(rec, plan, valid, image.source());
            ImageVolume gt = null;
            if (segLabel != 0) {
                gt = readVolume(rec.edGt(), openFile);
                if (gt.width() != image.width() || gt.height() != image.height()) {
                    throw new SampleException(
                            Stage.DECODE,
                            gt.source() + ": label map is " + gt.width() + "x" + gt.height()
                                    + " (width x height) but its image " + image.source() + " is " + image.width() + "x"
                                    + image.height());
                }
            }
            writeFeatures(image, want, valid, buffers, slot);
            if (gt == null) {
                labelWriter().write(rec, plan, buffers, slot);
            } else {
                writeMask(gt, buffers, slot);
            }
            return new LoadStats(valid, valid, bytes * valid);
        }

        private ImageVolume sequence(Path file, FileOpener openFile) {
            if (!keepSequence) {
                return readVolume(file, openFile);
            }
            if (!file.equals(keptFile)) {
                kept = null; // before the next is read: one image per worker
                keptFile = null;
                kept = readVolume(file, openFile);
                keptFile = file;
            }
            return kept;
        }

        private void writeFeatures(ImageVolume image, int[] want, int valid, BatchPool.Buffers buffers, int slot) {
            int sw = image.width();
            int sh = image.height();
            if (slice.length < sw * sh) {
                slice = new byte[sw * sh];
            }
            FeatureWriter.Sink out = frames.at(buffers, slot);
            for (int t = 0; t < valid; t++) {
                image.sliceAsUint8(want[t], slice);
                out.accept(t, slice, sw, sh);
            }
            out.padFrom(valid);
        }

        /** The ED frame's gt label map, 1 where it holds the target's label. */
        private void writeMask(ImageVolume gt, BatchPool.Buffers buffers, int slot) {
            byte[] pixels = mask.pixels(gt.width(), gt.height());
            try {
                gt.sliceAsLabels(0, pixels);
            } catch (DatasetException e) {
                throw new SampleException(Stage.DECODE, e.getMessage(), e);
            }
            int width = gt.width();
            for (int y = 0; y < gt.height(); y++) {
                keepLabel(pixels, y * width, width, (byte) segLabel);
            }
            labelWriter().writeMask(mask, buffers, slot);
        }

        /**
         * {@code pixels[from, from + n)}: 1 where the label is {@code keep}, else 0. Called per row, so that the JIT
         * compiles it from its calls within the first samples rather than replacing a whole-image loop on the stack.
         */
        private static void keepLabel(byte[] pixels, int from, int n, byte keep) {
            for (int i = from; i < from + n; i++) {
                pixels[i] = pixels[i] == keep ? (byte) 1 : (byte) 0;
            }
        }

        @Override
        public void close() {
            kept = null;
            opener.close();
        }
    }
}
