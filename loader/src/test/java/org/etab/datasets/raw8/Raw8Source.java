package org.etab.datasets.raw8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.sampling.EpochOrder;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.etab.transform.FrameTransform;

/**
 * Raw 8-bit stills as a {@link SampleSource}: features {@code [C, H, W]}; labels EF float32 {@code [1]} or view
 * int32 {@code [1]}. Stills only; native size needs one size for the selection.
 */
final class Raw8Source implements SampleSource {
    static final List<Target> TARGETS = List.of(Target.EF, Target.VIEW);

    private final List<Raw8Record> records;
    private final SampleOptions options;
    private final FrameTransform transform;
    private final TensorSpec features;
    private final TensorSpec labels;

    Raw8Source(List<Raw8Record> records, SampleOptions options) {
        if (!TARGETS.contains(options.target())) {
            throw new IllegalArgumentException("target '" + options.target().etabName() + "' is not available for "
                    + "raw8; available: "
                    + String.join(", ", TARGETS.stream().map(Target::etabName).toList()));
        }
        if (options.clip().video()) {
            throw new IllegalArgumentException("raw8 has still images only: video=true is not available");
        }
        this.records = List.copyOf(records);
        this.options = options;
        int h = options.frameHeight();
        int w = options.frameWidth();
        if (options.nativeSize()) {
            Set<String> sizes = new TreeSet<>();
            records.forEach(r -> sizes.add(r.rows() + "x" + r.cols()));
            if (sizes.size() > 1) {
                throw new IllegalArgumentException("native frame size needs one size but the selection has " + sizes);
            }
            h = records.isEmpty() ? 1 : records.get(0).rows();
            w = records.isEmpty() ? 1 : records.get(0).cols();
        }
        this.transform = new FrameTransform(h, w, options.channels(), options.normalize(), options.dtype());
        this.features = options.featureSpec(h, w);
        this.labels = options.target().labelSpec(h, w);
    }

    @Override
    public String dataset() {
        return "raw8";
    }

    @Override
    public TensorSpec features() {
        return features;
    }

    @Override
    public TensorSpec labels() {
        return labels;
    }

    @Override
    public List<SamplePlan> plan(int epoch) {
        int[] order = EpochOrder.of(records.size(), options.seed(), epoch, options.shuffle());
        List<SamplePlan> plans = new ArrayList<>(order.length);
        for (int r : order) {
            Raw8Record rec = records.get(r);
            plans.add(new SamplePlan(plans.size(), r, rec.id(), rec.file().toString(), new int[] {0}, null));
        }
        return plans;
    }

    @Override
    public SampleWorker newWorker() {
        return new Worker();
    }

    /** Reads a frame file whole; holds only heap scratch. */
    private final class Worker implements SampleWorker {
        private final FrameTransform.Scratch scratch = transform.newScratch();
        private boolean closed;

        @Override
        public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadlineNanos) {
            if (closed) {
                throw new IllegalStateException("worker is closed");
            }
            Raw8Record rec = records.get(plan.record());
            byte[] pixels;
            try {
                pixels = Files.readAllBytes(rec.file());
            } catch (IOException e) {
                throw new SampleException(Stage.DECODE, rec.file() + ": cannot read: " + e, e);
            }
            if (pixels.length != rec.rows() * rec.cols()) {
                throw new SampleException(
                        Stage.DECODE,
                        rec.file() + ": " + pixels.length + " bytes but " + rec.rows() + "x" + rec.cols() + " needs "
                                + rec.rows() * rec.cols());
            }
            int plane = transform.height() * transform.width();
            int base = (int) (slot * features.elements());
            if (options.dtype() == DType.FLOAT32) {
                transform.writeFloat(
                        pixels,
                        rec.cols(),
                        rec.rows(),
                        buffers.features().buffer().asFloatBuffer(),
                        base,
                        plane,
                        scratch);
            } else {
                transform.writeBytes(
                        pixels, rec.cols(), rec.rows(), buffers.features().buffer(), base, plane, scratch);
            }
            ByteBuffer out = buffers.labels().buffer();
            int at = (int) buffers.labels().slotOffset(slot);
            if (options.target() == Target.EF) {
                out.putFloat(at, rec.ef());
            } else {
                out.putInt(at, rec.view());
            }
            return new LoadStats(1, 1, pixels.length);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
