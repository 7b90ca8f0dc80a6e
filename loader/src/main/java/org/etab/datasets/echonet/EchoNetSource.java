package org.etab.datasets.echonet;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.etab.batch.BatchPool;
import org.etab.decode.DatasetException;
import org.etab.decode.DecodeException;
import org.etab.decode.DecodeStats;
import org.etab.decode.DecodeTimeoutException;
import org.etab.source.DatasetFiles;
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
 * EchoNet-Dynamic as a {@link SampleSource}: records from {@code FileList.csv}/{@code VolumeTracings.csv},
 * frames from the AVIs, targets per ETAB.
 *
 * <p>Features: {@code video=true} gives {@code [C, T, H, W]} (channels, clip positions, rows, columns, as
 * echonet-dynamic's own loader), {@code video=false} gives {@code [C, H, W]}: the first frame, or the
 * annotated end-diastolic frame for {@code LV_seg}. Labels: EF float32 {@code [1]} (percent); CM int32
 * {@code [1]} (1 when EF &lt; 50); ES/ED int32 {@code [2]}: the source frame numbers for a still, the
 * positions of those frames in the clip (-1 when the clip does not contain them) for a video; LV_seg uint8
 * {@code [H, W]}: the mask of the ED tracing, rasterized at the video's size and resized nearest (an ED tracing with
 * only its long axis, no chords, has no mask: its LV_seg sample fails at plan; so do LV_seg and ES/ED samples whose
 * traced frame is past FileList's NumberOfFrames).
 *
 * <p>Padding: clip positions past the end of the video are zero in output space.
 *
 * <p>Threading: {@link #plan} is pure and runs on any thread; a worker (an FFmpeg decoder and scratch) is confined
 * to one thread at a time. Ownership: a worker's decoder is freed by its {@code close()}.
 */
public final class EchoNetSource extends RecordSource<EchoNetRecord> {
    /** What EchoNet-Dynamic offers, in ETAB's order. */
    public static final List<Target> TARGETS = List.of(Target.EF, Target.LV_SEG, Target.ES_ED, Target.CM);

    /** Sizes a refused native frame size names, each with a video (a hostile FileList may hold thousands). */
    private static final int MIXED_SIZES_NAMED = 4;

    private static final RecordLabels<EchoNetRecord> LABELS = RecordLabels.<EchoNetRecord>builder()
            .ef(EchoNetRecord::ef)
            .esEd(r -> r.es().frame(), r -> r.ed().frame())
            .build();

    private final VideoStore videos;

    /**
     * A source whose videos may be any regular files (their root is not known here; types are still checked):
     * for records made in code. {@link EchoNetProvider} confines a dataset's videos to its root.
     *
     * @param records the selection ({@link EchoNetIndex#select})
     * @param options the sample options; a native frame size needs one size for all videos
     * @throws IllegalArgumentException when the target is not one of {@link #TARGETS} (naming those), or the frame
     *                                  size is native and the videos' sizes differ
     */
    public EchoNetSource(List<EchoNetRecord> records, SampleOptions options) {
        this(records, List.of(), options, DatasetFiles.anywhere());
    }

    /**
     * As above, opening only the videos {@code files} allows (a video it refuses is a failed sample naming why);
     * {@link EchoNetProvider} confines a dataset's videos to its root.
     *
     * @param records  the selection ({@link EchoNetIndex#select})
     * @param rejected the selection's rows the index left out, reported as failed samples
     * @param options  the sample options; a native frame size needs one size for all videos
     * @param files    which video files may be opened
     * @throws IllegalArgumentException as {@link #EchoNetSource(List, SampleOptions)}
     */
    public EchoNetSource(
            List<EchoNetRecord> records, List<IndexProblem> rejected, SampleOptions options, DatasetFiles files) {
        this(records, rejected, options, new LocalVideos(files));
    }

    /** A source reading its videos from {@code videos} (local files, or remote storage for {@link RemoteEchoNet}). */
    EchoNetSource(List<EchoNetRecord> records, List<IndexProblem> rejected, SampleOptions options, VideoStore videos) {
        super("echonet", TARGETS, records, rejected, options, EchoNetSource::nativeSize, LABELS);
        this.videos = videos;
    }

    private static FrameSize nativeSize(List<EchoNetRecord> records) {
        // each size's first video and count: the refusal names the rows to look at, not only their sizes
        Map<String, String> first = new LinkedHashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (EchoNetRecord r : records) {
            String size = r.frameHeight() + "x" + r.frameWidth();
            first.putIfAbsent(size, r.id());
            count.merge(size, 1, Integer::sum);
        }
        if (first.size() > 1) {
            String sizes = first.entrySet().stream()
                    .limit(MIXED_SIZES_NAMED)
                    .map(e -> {
                        int n = count.get(e.getKey());
                        return e.getKey() + " (" + (n == 1 ? "1 video: " : n + " videos, e.g. ") + e.getValue() + ")";
                    })
                    .collect(Collectors.joining(", "));
            String more = first.size() > MIXED_SIZES_NAMED
                    ? " and " + (first.size() - MIXED_SIZES_NAMED) + " more sizes"
                    : "";
            throw new IllegalArgumentException("native frame size needs one size for all videos but FileList.csv's"
                    + " FrameHeight x FrameWidth give " + sizes + more + "; choose a frame size (e.g. 112x112)");
        }
        return records.isEmpty()
                ? new FrameSize(112, 112)
                : new FrameSize(records.get(0).frameHeight(), records.get(0).frameWidth());
    }

    @Override
    protected void planRecord(EchoNetRecord rec, PlanLoop.Plans plans) {
        String file = videos.name(rec);
        Target target = options().target();
        Tracing past = target == Target.LV_SEG || target == Target.ES_ED ? tracedPastTheEnd(rec, target) : null;
        if (past != null) {
            plans.failed(
                    rec.id(),
                    file,
                    new int[0],
                    "traced frame " + past.frame() + " (VolumeTracings.csv) is past the video's " + rec.frames()
                            + " frames (FileList's NumberOfFrames), so there is no " + target.etabName() + " label");
        } else if (target == Target.LV_SEG && rec.ed().rows() < 2) {
            plans.failed(
                    rec.id(),
                    file,
                    new int[0],
                    "no LV mask: the ED tracing (frame " + rec.ed().frame() + " in VolumeTracings.csv) has only its "
                            + "long axis, no chords");
        } else if (options().clip().video()) {
            plans.clips(rec.id(), file, rec.frames(), rec.fps());
        } else {
            plans.still(
                    rec.id(),
                    file,
                    options().target() == Target.LV_SEG ? rec.ed().frame() : 0);
        }
    }

    /** The ED tracing (and for ES/ED the ES one too) if its frame is not in the video, else null. */
    private static Tracing tracedPastTheEnd(EchoNetRecord rec, Target target) {
        if (target == Target.ES_ED && rec.es().frame() >= rec.frames()) {
            return rec.es();
        }
        return rec.ed().frame() >= rec.frames() ? rec.ed() : null;
    }

    @Override
    public void prefetch(List<SamplePlan> plans) {
        videos.prefetch(plans, records());
    }

    @Override
    public void forget(List<SamplePlan> plans) {
        videos.forget(plans);
    }

    /** Videos whose layout is known (tests). */
    int layoutsKnown() {
        return videos.layoutsKnown();
    }

    @Override
    public SampleWorker newWorker() {
        return new Worker();
    }

    /** One decode thread's video reader (decoder) and scratch memory. */
    private final class Worker implements SampleWorker {
        private final VideoStore.Reader reader = videos.newReader();
        private final FeatureWriter.Sink frames = featureWriter().newSink();
        private final LabelWriter.Mask mask = new LabelWriter.Mask();
        private final FrameSizeProbe probe = new FrameSizeProbe();

        @Override
        public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadline) {
            EchoNetRecord rec = records().get(plan.record());
            DecodeStats stats;
            try {
                // the sink writes each frame straight into the slot: nothing is allocated per sample or frame
                stats = reader.read(rec, plan, probe.to(frames.at(buffers, slot)), deadline);
            } catch (DecodeTimeoutException e) {
                throw new SampleException(Stage.TIMEOUT, e.getMessage(), e);
            } catch (DecodeException | DatasetException e) {
                throw new SampleException(Stage.DECODE, e.getMessage(), e);
            }
            frames.padFrom(stats.delivered());
            if (stats.delivered() == 0) {
                throw new SampleException(
                        Stage.DECODE,
                        videos.name(rec) + ": frame " + plan.frames()[0] + " is past the end of the video");
            }
            if (stats.delivered() < plan.frames().length && !options().clip().padding()) {
                throw new SampleException(
                        Stage.DECODE,
                        videos.name(rec) + ": the video ends before frame "
                                + plan.frames()[stats.delivered()] + " that the clip needs (FileList says "
                                + rec.frames() + " frames; padding is off)");
            }
            labelWriter().requireLabelFrames(rec, plan, stats.delivered(), videos.name(rec));
            writeLabel(rec, plan, buffers, slot, deadline);
            return new LoadStats(stats.delivered(), stats.framesDecoded(), stats.bytesRead());
        }

        private void writeLabel(
                EchoNetRecord rec, SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadline) {
            LabelWriter<EchoNetRecord> labels = labelWriter();
            if (!labels.isMask()) {
                labels.write(rec, plan, buffers, slot);
                return;
            }
            // at the decoded frames' size (a frame was decoded, or load had failed): FileList's may be wrong
            int height = probe.height();
            int width = probe.width();
            byte[] pixels = mask.pixels(width, height);
            try {
                if (!LvMask.rasterize(rec.ed(), height, width, pixels, deadline)) {
                    throw new SampleException(
                            Stage.TIMEOUT,
                            rec.id() + ": timed out rasterizing the LV mask of the ED tracing (frame "
                                    + rec.ed().frame() + ", " + (rec.ed().rows() - 1) + " chords in "
                                    + EchoNetReader.TRACINGS + ") at " + height + "x" + width
                                    + " (the sample's deadline passed)");
                }
            } catch (SampleException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SampleException(
                        Stage.TARGET, rec.id() + ": cannot rasterize the ED tracing: " + e.getMessage(), e);
            }
            labels.writeMask(mask, buffers, slot);
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
