package org.etab.source;

import java.util.ArrayList;
import java.util.List;
import org.etab.sampling.ClipSampler;
import org.etab.sampling.EpochOrder;

/**
 * One epoch's plans over a list of records: the records in the epoch's seeded order ({@link EpochOrder}), each
 * giving its samples through {@link Plans} (a still, the clips {@link ClipSampler} chooses, or a failure known
 * before any I/O), numbered in delivery order. A dataset says only what a record is: its frames, their rate,
 * which frame a still shows, why it has no sample.
 *
 * <p>Threading: immutable; {@link #plan} may run on several threads at once (each call fills its own
 * {@link Plans}). No I/O.
 */
public final class PlanLoop {
    /**
     * The most frames a video's record may claim (EchoNet-Dynamic's longest has 1,002): planning allocates per
     * frame a clip start may take, so a larger count is a failed sample, not a plan.
     */
    public static final int MAX_VIDEO_FRAMES = 10_000;
    /** The highest frame rate a video's record may claim, in frames per second. */
    public static final double MAX_VIDEO_FPS = 1_000;
    /**
     * The lowest frame rate a video's record may claim (echocardiography records at 15 fps and more): below it, every
     * clip would be one frame repeated.
     */
    public static final double MIN_VIDEO_FPS = 1;

    private final ClipSampler sampler;
    private final long seed;
    private final boolean shuffle;

    PlanLoop(SampleOptions options) {
        this.sampler = new ClipSampler(options.clip());
        this.seed = options.seed();
        this.shuffle = options.shuffle();
    }

    /** What a dataset says about one record: the samples it gives, added to {@code plans}. */
    @FunctionalInterface
    interface RecordPlanner<R> {
        void plan(R record, Plans plans);
    }

    /** The plans of {@code epoch}: a pure function of (seed, epoch, records). */
    <R> List<SamplePlan> plan(int epoch, List<R> records, RecordPlanner<R> planner) {
        Plans plans = new Plans(epoch, records.size());
        for (int r : EpochOrder.of(records.size(), seed, epoch, shuffle)) {
            plans.record = r;
            planner.plan(records.get(r), plans);
        }
        return plans.out;
    }

    /**
     * The samples of one epoch as they are planned, record by record; a record adds any number of them (an
     * {@code all} clip start gives several). Confined to the thread planning the epoch.
     */
    public final class Plans {
        private final int epoch;
        private final List<SamplePlan> out;
        private int record;

        private Plans(int epoch, int records) {
            this.epoch = epoch;
            this.out = new ArrayList<>(records);
        }

        /**
         * One sample showing one frame of the record's file.
         *
         * @param id    the sample id
         * @param file  the file it reads, for error reports
         * @param frame the 0-based source frame
         */
        public void still(String id, String file, int frame) {
            add(id, file, new int[] {frame}, null);
        }

        /**
         * The clips of a video of {@code frameCount} frames at {@code fps}, as the options choose them (start
         * seeded by (seed, epoch, id): the rows selected with it do not move it); a video that gives none (too short
         * without padding, no frame rate to resample from) is one failed sample naming why. So is a video claiming more than
         * {@link #MAX_VIDEO_FRAMES} frames or {@link #MAX_VIDEO_FPS} fps.
         *
         * @param id         the sample id
         * @param file       the file it reads, for error reports
         * @param frameCount the video's frames, as its record claims
         * @param fps        its frame rate in frames per second, as its record claims (NaN fails the sample)
         */
        public void clips(String id, String file, int frameCount, double fps) {
            if (frameCount > MAX_VIDEO_FRAMES) {
                failed(
                        id,
                        file,
                        new int[0],
                        "frame count " + frameCount + " is more than the " + MAX_VIDEO_FRAMES + " a video may have");
                return;
            }
            if (!(fps >= MIN_VIDEO_FPS && fps <= MAX_VIDEO_FPS)) { // NaN too
                failed(
                        id,
                        file,
                        new int[0],
                        "frame rate " + fps + " fps is outside the " + (int) MIN_VIDEO_FPS + " to "
                                + (int) MAX_VIDEO_FPS + " a video may have");
                return;
            }
            ClipSampler.Choice choice;
            try {
                choice = sampler.clips(frameCount, fps, EpochOrder.forSample(seed, epoch, id));
            } catch (IllegalArgumentException e) {
                choice = new ClipSampler.Choice(List.of(), e.getMessage());
            }
            if (choice.failure() != null) {
                failed(id, file, new int[0], choice.failure());
            }
            for (int[] clip : choice.clips()) {
                add(id, file, clip, null);
            }
        }

        /**
         * A sample that cannot be produced, known now: the pipeline reports it (stage plan) without loading it.
         *
         * @param id     the sample id
         * @param file   the file it would read, for the report
         * @param frames the frames it would show, or an empty array
         * @param reason why it cannot be produced, in words a user can act on
         */
        public void failed(String id, String file, int[] frames, String reason) {
            add(id, file, frames, reason);
        }

        private void add(String id, String file, int[] frames, String failure) {
            out.add(new SamplePlan(out.size(), record, id, file, frames, failure));
        }
    }
}
