package org.etab.datasets.camus;

import org.etab.source.Stage;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.decode.DatasetException;
import org.etab.decode.ImageVolume;
import org.etab.decode.MetaImageReader;
import org.etab.decode.NiftiReader;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import org.etab.sampling.ClipSampler;
import org.etab.sampling.EpochOrder;
import org.etab.source.Target;
import org.etab.transform.FrameTransform;
import org.etab.transform.NearestResize;

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
 *       cfg's {@code FrameRate}, or {@value #DEFAULT_FRAME_RATE} fps when the cfg has none (the original
 *       release never has one; the true rate of those files is not published). Positions past the end of
 *       the sequence are zero frames with {@code padding}, else the sample fails.</li>
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
 * drops them. Errors: an unreadable or malformed file is a failed sample at stage {@code decode} naming it.
 */
public final class CamusSource implements SampleSource {
    /** What CAMUS offers, in ETAB's order. */
    public static final List<Target> TARGETS = List.of(Target.EF, Target.LV_SEG, Target.LA_SEG, Target.MY_SEG,
            Target.ES_ED, Target.VIEW, Target.CM);

    /** Frame rate assumed for a sequence whose cfg has no {@code FrameRate} (every original-release file). */
    public static final double DEFAULT_FRAME_RATE = 25.0;

    private final List<CamusRecord> records;
    private final SampleOptions options;
    private final ClipSampler sampler;
    private final FrameTransform transform;
    private final TensorSpec features;
    private final TensorSpec labels;
    private final int frames;
    /** The gt label a segmentation target keeps, or 0 for other targets. */
    private final int segLabel;

    /**
     * @param records the selection ({@link CamusIndex#select})
     * @param options the sample options; the frame size must be set (not native)
     * @throws IllegalArgumentException when the target is not one of {@link #TARGETS} (naming those), the
     *                                  frame size is native, or a segmentation target is asked of a selection
     *                                  without any ground truth
     */
    public CamusSource(List<CamusRecord> records, SampleOptions options) {
        if (!TARGETS.contains(options.target())) {
            throw new IllegalArgumentException("target '" + options.target().etabName() + "' is not available for "
                    + "camus; available: " + TARGETS.stream().map(Target::etabName).collect(Collectors.joining(", ")));
        }
        this.records = List.copyOf(records);
        this.options = options;
        this.segLabel = switch (options.target()) {
            case LV_SEG -> 1;
            case MY_SEG -> 2;
            case LA_SEG -> 3;
            default -> 0;
        };
        if (options.nativeSize()) {
            throw new IllegalArgumentException("native frame size is not available for camus: image sizes differ from "
                    + "patient to patient (and are not square); choose a frame size (e.g. 256x256)");
        }
        if (segLabel != 0 && !this.records.isEmpty() && this.records.stream().noneMatch(CamusRecord::hasGt)) {
            throw new IllegalArgumentException("target '" + options.target().etabName() + "' needs ground truth (_ED_gt)"
                    + " but none of the " + this.records.size() + " selected records has it (the original release's "
                    + "testing patients are not annotated); select split train");
        }
        this.sampler = new ClipSampler(options.clip());
        int h = options.frameHeight();
        int w = options.frameWidth();
        this.transform = new FrameTransform(h, w, options.channels(), options.normalize(), options.dtype());
        this.frames = options.clip().video() ? options.clip().clipLength() : 1;
        this.features = options.featureSpec(h, w);
        this.labels = options.target().labelSpec(h, w);
    }

    @Override
    public String dataset() {
        return "camus";
    }

    @Override
    public TensorSpec features() {
        return features;
    }

    @Override
    public TensorSpec labels() {
        return labels;
    }

    public List<CamusRecord> records() {
        return records;
    }

    public SampleOptions options() {
        return options;
    }

    /** The frame rate clips are sampled at for {@code r}: its cfg's, else {@value #DEFAULT_FRAME_RATE}. */
    public static double frameRate(CamusRecord r) {
        return r.frameRate().orElse(DEFAULT_FRAME_RATE);
    }

    @Override
    public List<SamplePlan> plan(int epoch) {
        int[] order = EpochOrder.of(records.size(), options.seed(), epoch, options.shuffle());
        List<SamplePlan> plans = new ArrayList<>(records.size());
        long position = 0;
        boolean video = options.clip().video();
        for (int r : order) {
            CamusRecord rec = records.get(r);
            String file = (video ? rec.sequence() : rec.ed()).toString();
            if (segLabel != 0 && !rec.hasGt()) {
                plans.add(new SamplePlan(position++, r, rec.id(), file, new int[0], "no ground truth: "
                        + rec.id() + "_ED_gt is missing (" + rec.split().name().toLowerCase()
                        + " split), so there is no " + options.target().etabName() + " mask"));
                continue;
            }
            if (!video) {
                plans.add(new SamplePlan(position++, r, rec.id(), file, new int[] {rec.edIndex()}, null));
                continue;
            }
            ClipSampler.Choice choice;
            try {
                choice = sampler.clips(rec.frames(), frameRate(rec), EpochOrder.forRecord(options.seed(), epoch, r));
            } catch (IllegalArgumentException e) {
                choice = new ClipSampler.Choice(List.of(), e.getMessage());
            }
            if (choice.failure() != null) {
                plans.add(new SamplePlan(position++, r, rec.id(), file, new int[0], choice.failure()));
            }
            for (int[] clip : choice.clips()) {
                plans.add(new SamplePlan(position++, r, rec.id(), file, clip, null));
            }
        }
        return plans;
    }

    @Override
    public SampleWorker newWorker() {
        return new Worker();
    }

    /** Reads a whole MetaImage or NIfTI file; a {@link DatasetException} becomes a failed sample. */
    public static ImageVolume readVolume(Path file) {
        try {
            String name = file.getFileName().toString();
            return name.endsWith(".mhd") ? MetaImageReader.read(file) : NiftiReader.read(file);
        } catch (DatasetException | UncheckedIOException e) {
            throw new SampleException(Stage.DECODE, e.getMessage(), e);
        }
    }

    /** The first clip position showing source frame {@code frame}, or -1. */
    static int positionOf(int[] clipFrames, int frame) {
        for (int i = 0; i < clipFrames.length; i++) {
            if (clipFrames[i] == frame) {
                return i;
            }
        }
        return -1;
    }

    /** One decode thread's scratch memory: slices of the largest image seen so far. */
    private final class Worker implements SampleWorker {
        private final FrameTransform.Scratch scratch = transform.newScratch();
        private byte[] slice = new byte[0];
        private byte[] mask = new byte[0];

        @Override
        public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot) {
            CamusRecord rec = records.get(plan.record());
            boolean video = options.clip().video();
            ImageVolume image = readVolume(video ? rec.sequence() : rec.ed());
            long bytes = (long) image.sliceLength();
            int[] want = video ? plan.frames() : new int[] {0};   // the _ED file holds one frame
            int valid = 0;
            while (valid < want.length && want[valid] < image.depth()) {
                valid++;
            }
            if (valid == 0) {
                throw new SampleException(Stage.DECODE, image.source() + ": frame " + want[0] + " is past the end of the "
                        + image.depth() + "-frame image (cfg NbFrame " + rec.frames() + ")");
            }
            if (valid < want.length && !options.clip().padding()) {
                throw new SampleException(Stage.DECODE, image.source() + ": the sequence has " + image.depth()
                        + " frames but the clip needs frame " + want[valid] + " (cfg NbFrame " + rec.frames()
                        + "; padding is off)");
            }
            ImageVolume gt = null;
            if (segLabel != 0) {
                gt = readVolume(rec.edGt());
                if (gt.width() != image.width() || gt.height() != image.height()) {
                    throw new SampleException(Stage.DECODE, gt.source() + ": label map is " + gt.width() + "x" + gt.height()
                            + " (width x height) but its image " + image.source() + " is " + image.width() + "x"
                            + image.height());
                }
            }
            writeFeatures(image, want, valid, buffers, slot);
            writeLabel(rec, plan, gt, buffers, slot);
            return new LoadStats(valid, valid, bytes * valid);
        }

        private void writeFeatures(ImageVolume image, int[] want, int valid, BatchPool.Buffers buffers, int slot) {
            int plane = transform.height() * transform.width();
            int slotBase = (int) (slot * features.elements());
            int channelStride = frames * plane;
            int sw = image.width();
            int sh = image.height();
            if (slice.length < sw * sh) {
                slice = new byte[sw * sh];
            }
            if (options.dtype() == DType.FLOAT32) {
                FloatBuffer out = buffers.features().buffer().asFloatBuffer();
                for (int t = 0; t < valid; t++) {
                    image.sliceAsUint8(want[t], slice);
                    transform.writeFloat(slice, sw, sh, out, slotBase + t * plane, channelStride, scratch);
                }
                for (int t = valid; t < frames; t++) {
                    transform.writeZeros(out, slotBase + t * plane, channelStride);
                }
            } else {
                ByteBuffer out = buffers.features().buffer();
                for (int t = 0; t < valid; t++) {
                    image.sliceAsUint8(want[t], slice);
                    transform.writeBytes(slice, sw, sh, out, slotBase + t * plane, channelStride, scratch);
                }
                for (int t = valid; t < frames; t++) {
                    transform.writeZeros(out, slotBase + t * plane, channelStride);
                }
            }
        }

        private void writeLabel(CamusRecord rec, SamplePlan plan, ImageVolume gt, BatchPool.Buffers buffers, int slot) {
            ByteBuffer out = buffers.labels().buffer();
            int at = (int) buffers.labels().slotOffset(slot);
            boolean video = options.clip().video();
            switch (options.target()) {
                case EF -> out.putFloat(at, rec.ef());
                case CM -> out.putInt(at, rec.ef() < 50f ? 1 : 0);
                case VIEW -> out.putInt(at, rec.view().label());
                case ES_ED -> {
                    out.putInt(at, video ? positionOf(plan.frames(), rec.esIndex()) : rec.esIndex());
                    out.putInt(at + 4, video ? positionOf(plan.frames(), rec.edIndex()) : rec.edIndex());
                }
                case LV_SEG, MY_SEG, LA_SEG -> {
                    int sw = gt.width();
                    int sh = gt.height();
                    if (mask.length < sw * sh) {
                        mask = new byte[sw * sh];
                    }
                    try {
                        gt.sliceAsLabels(0, mask);
                    } catch (DatasetException e) {
                        throw new SampleException(Stage.DECODE, e.getMessage(), e);
                    }
                    byte keep = (byte) segLabel;
                    for (int i = 0, n = sw * sh; i < n; i++) {
                        mask[i] = mask[i] == keep ? (byte) 1 : (byte) 0;
                    }
                    NearestResize.write(mask, sw, sh, out, at, transform.height(), transform.width());
                }
                default -> throw new AssertionError(options.target());
            }
        }

        @Override
        public void close() {
            // heap scratch only
        }
    }
}
