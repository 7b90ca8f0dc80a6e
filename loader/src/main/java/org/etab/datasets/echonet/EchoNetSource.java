package org.etab.datasets.echonet;

import org.etab.source.Stage;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.decode.DecodeException;
import org.etab.decode.DecodeStats;
import org.etab.decode.DecodeTimeoutException;
import org.etab.decode.GrayFrameSink;
import org.etab.decode.VideoDecoder;
import org.etab.sampling.ClipSampler;
import org.etab.sampling.EpochOrder;
import org.etab.datasets.echonet.LvMask;
import org.etab.source.Target;
import org.etab.transform.FrameTransform;
import org.etab.transform.NearestResize;

/**
 * EchoNet-Dynamic as a {@link SampleSource}: records from {@code FileList.csv}/{@code VolumeTracings.csv},
 * frames from the AVIs, targets per ETAB.
 *
 * <p>Features: {@code video=true} gives {@code [C, T, H, W]} (channels, clip positions, rows, columns, as
 * echonet-dynamic's own loader), {@code video=false} gives {@code [C, H, W]}: the first frame, or the
 * annotated end-diastolic frame for {@code LV_seg}. Labels: EF float32 {@code [1]} (percent); CM int32
 * {@code [1]} (1 when EF &lt; 50); ES/ED int32 {@code [2]}: the source frame numbers for a still, the
 * positions of those frames in the clip (-1 when the clip does not contain them) for a video; LV_seg uint8
 * {@code [H, W]}: the mask of the ED tracing, rasterized at the video's size and resized nearest.
 *
 * <p>Padding: clip positions past the end of the video are zero in output space.
 */
public final class EchoNetSource implements SampleSource {
    /** What EchoNet-Dynamic offers, in ETAB's order. */
    public static final List<Target> TARGETS = List.of(Target.EF, Target.LV_SEG, Target.ES_ED, Target.CM);

    private final List<EchoNetRecord> records;
    private final SampleOptions options;
    private final ClipSampler sampler;
    private final FrameTransform transform;
    private final TensorSpec features;
    private final TensorSpec labels;
    private final int frames;
    /** Null for local files. */
    private final RemoteVideos remote;
    /** Null for remote files. */
    private final LocalVideos local;

    public EchoNetSource(List<EchoNetRecord> records, SampleOptions options) {
        this(records, options, null);
    }

    /**
     * A source whose videos live on remote storage: {@code remote} fetches each record's video (its path relative
     * to the index root) and the worker decodes it from memory, fetching a batch's videos ahead.
     */
    EchoNetSource(List<EchoNetRecord> records, SampleOptions options, RemoteVideos remote) {
        this.remote = remote;
        this.local = remote == null ? new LocalVideos() : null;
        if (!TARGETS.contains(options.target())) {
            throw new IllegalArgumentException("target '" + options.target().etabName() + "' is not available for "
                    + "echonet; available: " + String.join(", ", TARGETS.stream().map(Target::etabName).toList()));
        }
        this.records = List.copyOf(records);
        this.options = options;
        this.sampler = new ClipSampler(options.clip());
        int h = options.frameHeight();
        int w = options.frameWidth();
        if (options.nativeSize()) {
            Set<String> sizes = new TreeSet<>();
            for (EchoNetRecord r : records) {
                sizes.add(r.frameHeight() + "x" + r.frameWidth());
            }
            if (sizes.size() > 1) {
                throw new IllegalArgumentException("native frame size needs one size for all videos but the selection"
                        + " has " + sizes + "; choose a frame size (e.g. 112x112)");
            }
            h = records.isEmpty() ? 112 : records.get(0).frameHeight();
            w = records.isEmpty() ? 112 : records.get(0).frameWidth();
        }
        this.transform = new FrameTransform(h, w, options.channels(), options.normalize(), options.dtype());
        this.frames = options.clip().video() ? options.clip().clipLength() : 1;
        this.features = options.featureSpec(h, w);
        this.labels = options.target().labelSpec(h, w);
    }

    @Override
    public String dataset() {
        return "echonet";
    }

    @Override
    public TensorSpec features() {
        return features;
    }

    @Override
    public TensorSpec labels() {
        return labels;
    }

    public List<EchoNetRecord> records() {
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
            EchoNetRecord rec = records.get(r);
            String file = rec.video().toString();
            if (!options.clip().video()) {
                int frame = options.target() == Target.LV_SEG ? rec.ed().frame() : 0;
                plans.add(new SamplePlan(position++, r, rec.id(), file, new int[] {frame}, null));
                continue;
            }
            ClipSampler.Choice choice;
            try {
                choice = sampler.clips(rec.frames(), rec.fps(), EpochOrder.forRecord(options.seed(), epoch, r));
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
    public void prefetch(List<SamplePlan> plans) {
        if (remote != null) {
            remote.start(plans, records);
        }
    }

    @Override
    public void forget(List<SamplePlan> plans) {
        if (remote != null) {
            remote.forget(plans);
        }
    }

    /** Local videos whose layout is known (tests). */
    int layoutsKnown() {
        return local == null ? 0 : local.layoutsKnown();
    }

    @Override
    public SampleWorker newWorker() {
        return new Worker();
    }

    /** One decode thread's decoder and scratch memory. */
    private final class Worker implements SampleWorker {
        private final VideoDecoder decoder = new VideoDecoder();
        private final FrameTransform.Scratch scratch = transform.newScratch();
        private final LocalVideos.Scratch spans = new LocalVideos.Scratch();
        private byte[] mask = new byte[0];

        /** Decodes from the local file, or from the fetched bytes of a remote one. */
        private DecodeStats decode(EchoNetRecord rec, SamplePlan plan, GrayFrameSink sink, long deadline) {
            if (remote == null) {
                return local.decode(decoder, rec.video(), plan.frames(), sink, deadline, spans);
            }
            RemoteVideos.Fetched f = remote.take(plan, rec, deadline);
            if (f.layout() != null) {
                return decoder.decode(f.layout(), f.bytes(), f.offset(), remote.name(rec), plan.frames(), sink, deadline);
            }
            DecodeStats stats = decoder.decode(f.bytes(), remote.name(rec), plan.frames(), sink, deadline);
            remote.learn(rec, f, decoder);
            return stats;
        }

        @Override
        public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot) {
            return load(plan, buffers, slot, Long.MAX_VALUE);
        }

        @Override
        public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadline) {
            EchoNetRecord rec = records.get(plan.record());
            int plane = transform.height() * transform.width();
            int slotBase = (int) (slot * features.elements());
            int channelStride = frames * plane;
            DecodeStats stats;
            try {
                if (options.dtype() == DType.FLOAT32) {
                    FloatBuffer out = buffers.features().buffer().asFloatBuffer();
                    stats = decode(rec, plan, (t, gray, w, h) ->
                            transform.writeFloat(gray, w, h, out, slotBase + t * plane, channelStride, scratch), deadline);
                    for (int t = stats.delivered(); t < frames; t++) {
                        transform.writeZeros(out, slotBase + t * plane, channelStride);
                    }
                } else {
                    ByteBuffer out = buffers.features().buffer();
                    stats = decode(rec, plan, (t, gray, w, h) ->
                            transform.writeBytes(gray, w, h, out, slotBase + t * plane, channelStride, scratch), deadline);
                    for (int t = stats.delivered(); t < frames; t++) {
                        transform.writeZeros(out, slotBase + t * plane, channelStride);
                    }
                }
            } catch (DecodeTimeoutException e) {
                throw new SampleException(Stage.TIMEOUT, e.getMessage(), e);
            } catch (DecodeException e) {
                throw new SampleException(Stage.DECODE, e.getMessage(), e);
            }
            if (stats.delivered() == 0) {
                throw new SampleException(Stage.DECODE, rec.video() + ": frame " + plan.frames()[0]
                        + " is past the end of the video");
            }
            if (stats.delivered() < frames && !options.clip().padding()) {
                throw new SampleException(Stage.DECODE, rec.video() + ": the video ends before frame "
                        + plan.frames()[stats.delivered()] + " that the clip needs (FileList says "
                        + rec.frames() + " frames; padding is off)");
            }
            writeLabel(rec, plan, buffers, slot);
            return new LoadStats(stats.delivered(), stats.framesDecoded(), stats.bytesRead());
        }

        private void writeLabel(EchoNetRecord rec, SamplePlan plan, BatchPool.Buffers buffers, int slot) {
            ByteBuffer out = buffers.labels().buffer();
            int at = (int) buffers.labels().slotOffset(slot);
            switch (options.target()) {
                case EF -> out.putFloat(at, rec.ef());
                case CM -> out.putInt(at, rec.ef() < 50f ? 1 : 0);
                case ES_ED -> {
                    out.putInt(at, options.clip().video() ? positionOf(plan.frames(), rec.es().frame()) : rec.es().frame());
                    out.putInt(at + 4, options.clip().video() ? positionOf(plan.frames(), rec.ed().frame()) : rec.ed().frame());
                }
                case LV_SEG -> {
                    int sh = rec.frameHeight();
                    int sw = rec.frameWidth();
                    if (mask.length < sh * sw) {
                        mask = new byte[sh * sw];
                    }
                    try {
                        LvMask.rasterize(rec.ed(), sh, sw, mask);
                    } catch (RuntimeException e) {
                        throw new SampleException(Stage.TARGET, rec.id() + ": cannot rasterize the ED tracing: " + e.getMessage(), e);
                    }
                    NearestResize.write(mask, sw, sh, out, at, transform.height(), transform.width());
                }
                default -> throw new AssertionError(options.target());
            }
        }

        @Override
        public void close() {
            decoder.close();
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
}
