package org.etab.datasets.tmed;

import org.etab.source.Stage;
import org.etab.decode.DecodeException;
import org.etab.decode.PngGray;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import org.etab.sampling.EpochOrder;
import org.etab.source.Target;
import org.etab.transform.FrameTransform;

/**
 * TMED-2 as a {@link SampleSource}: records from a fold file ({@link TmedIndex#select}), one PNG still per
 * sample.
 *
 * <p>Features: {@code [C, H, W]}, the gray image through {@link FrameTransform} (bilinear resize to
 * {@code frameHeight x frameWidth}, or the native {@value #NATIVE_SIZE}x{@value #NATIVE_SIZE}: an image of
 * another size is then resized to it; gray replicated to 3 channels or kept as 1; ImageNet-normalized float32,
 * float32 in [0,1], or raw uint8). Labels: int32 {@code [1]}: the view class (PLAX 0, PSAX 1, A4C 2, A2C 3,
 * A4CorA2CorOther 4) for target {@code view}, the AS class (no_AS 0, mild 1, moderate/severe 2) for target
 * {@code AS}. Records with a Not_Provided diagnosis cannot be AS samples: selecting them is a failed sample
 * at plan time ({@link TmedIndex#select} leaves them out).
 *
 * <p>Threading: {@link #plan} is pure and may run on any thread; each worker (a PNG reader and scratch) is
 * confined to one decode thread at a time. Ownership: a worker's reader is released by its {@code close()}.
 * Errors: a missing, unreadable or corrupt PNG is a {@link SampleException} of stage {@code decode} naming the
 * file; the pipeline counts it as a failed sample.
 */
public final class TmedSource implements SampleSource {
    /** What TMED-2 offers, in ETAB's order. */
    public static final List<Target> TARGETS = List.of(Target.VIEW, Target.AS);

    /** The images' size in the released dataset, used for {@code native} frames. */
    public static final int NATIVE_SIZE = 112;

    private final List<TmedRecord> records;
    private final SampleOptions options;
    private final FrameTransform transform;
    private final TensorSpec features;
    private final TensorSpec labels;

    /**
     * @throws IllegalArgumentException when the target is not view or AS, or when {@code video=true}
     */
    public TmedSource(List<TmedRecord> records, SampleOptions options) {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(options, "options");
        if (!TARGETS.contains(options.target())) {
            throw new IllegalArgumentException("target '" + options.target().etabName() + "' is not available for "
                    + "tmed; available: " + TmedIndex.targetNames());
        }
        if (options.clip().video()) {
            throw new IllegalArgumentException("TMED-2 has still images only: video=true is not available");
        }
        this.records = List.copyOf(records);
        this.options = options;
        int h = options.nativeSize() ? NATIVE_SIZE : options.frameHeight();
        int w = options.nativeSize() ? NATIVE_SIZE : options.frameWidth();
        this.transform = new FrameTransform(h, w, options.channels(), options.normalize(), options.dtype());
        this.features = options.featureSpec(h, w);
        this.labels = options.target().labelSpec(h, w);
    }

    @Override
    public String dataset() {
        return "tmed";
    }

    @Override
    public TensorSpec features() {
        return features;
    }

    @Override
    public TensorSpec labels() {
        return labels;
    }

    public List<TmedRecord> records() {
        return records;
    }

    public SampleOptions options() {
        return options;
    }

    @Override
    public List<SamplePlan> plan(int epoch) {
        int[] order = EpochOrder.of(records.size(), options.seed(), epoch, options.shuffle());
        List<SamplePlan> plans = new ArrayList<>(records.size());
        long position = 0;
        for (int r : order) {
            TmedRecord rec = records.get(r);
            String failure = rec.label(options.target()) < 0
                    ? "diagnosis_label is " + rec.diagnosis().label() + ": no AS class" : null;
            plans.add(new SamplePlan(position++, r, rec.id(), rec.image().toString(), new int[] {0}, failure));
        }
        return plans;
    }

    @Override
    public SampleWorker newWorker() {
        return new Worker();
    }

    /** One decode thread's PNG reader and scratch memory. */
    private final class Worker implements SampleWorker {
        private final PngGray png = new PngGray();
        private final PngGray.Image image = new PngGray.Image();
        private final FrameTransform.Scratch scratch = transform.newScratch();

        @Override
        public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot) {
            TmedRecord rec = records.get(plan.record());
            try {
                png.decode(rec.image(), image);
            } catch (DecodeException e) {
                throw new SampleException(Stage.DECODE, e.getMessage(), e);
            }
            int plane = transform.height() * transform.width();
            int base = (int) (slot * features.elements());
            if (options.dtype() == DType.FLOAT32) {
                transform.writeFloat(image.pixels, image.width, image.height,
                        buffers.features().buffer().asFloatBuffer(), base, plane, scratch);
            } else {
                transform.writeBytes(image.pixels, image.width, image.height, buffers.features().buffer(), base,
                        plane, scratch);
            }
            ByteBuffer out = buffers.labels().buffer();
            out.putInt((int) buffers.labels().slotOffset(slot), rec.label(options.target()));
            return new LoadStats(1, 1, image.bytesRead);
        }

        @Override
        public void close() {
            png.close();
        }
    }
}
