package org.etab.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.etab.sampling.Sharding;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import reactor.core.publisher.Flux;

/**
 * The epoch schedule: a source's plans for an epoch become this rank's sequence (sharded, resumed at a position,
 * cut by the limit and drop-last), grouped into the batches to assemble. A pure function of (source seed, epoch,
 * sharding, options).
 *
 * <p>Threading: planning runs on the thread that requests groups: the subscriber's for the first epoch of a
 * stream, usually a decode thread (completing a batch) for the next ones. It does no I/O.
 *
 * <p>Backpressure: {@link #groups(int, int, long, int)} plans one epoch at a time, as groups are requested: the
 * next epoch once the previous one's last group has been handed out, never further ahead.
 *
 * <p>Ownership: owns nothing native. An epoch is counted as planned in the account when it is planned.
 */
final class EpochSchedule {
    private final SampleSource source;
    private final PipelineOptions options;
    private final RunAccount account;

    EpochSchedule(SampleSource source, PipelineOptions options, RunAccount account) {
        this.source = source;
        this.options = options;
        this.account = account;
    }

    /** This rank's samples of an epoch, in delivery order, from position {@code startAt}. */
    List<Pipeline.Scheduled> schedule(int epoch, long startAt, int batchSize) {
        if (startAt < 0) {
            throw new IllegalArgumentException("startAt >= 0 required but was " + startAt);
        }
        List<SamplePlan> all = source.plan(epoch);
        List<Sharding.Slice> mine = options.sharding().slices(all.size());
        long total = mine.size();
        if (options.limit() > 0) {
            total = Math.min(total, options.limit());
        }
        if (options.dropLast() && batchSize > 1) {
            total = total / batchSize * batchSize;
        }
        if (startAt > total) {
            throw new IllegalArgumentException("startAt " + startAt + " is past the " + total + " samples of epoch "
                    + epoch + " for this rank: a position saved from another schedule (other options or data)");
        }
        List<Pipeline.Scheduled> out = new ArrayList<>((int) Math.max(0, total - startAt));
        for (long k = startAt; k < total; k++) {
            Sharding.Slice slice = mine.get((int) k);
            out.add(new Pipeline.Scheduled(k, all.get(slice.index()), slice.repeat()));
        }
        return out;
    }

    /** Throws what an iteration from {@code startAt} would fail with once it runs (plans, reads no file). */
    void checkStart(int epoch, long startAt) {
        if (startAt > 0 && !options.ordered()) {
            throw unordered(startAt);
        }
        if (startAt != 0) { // 0 is always a start
            schedule(epoch, startAt, options.batchSize());
        }
    }

    /**
     * Epochs {@code firstEpoch .. lastEpoch} as groups, the first from {@code startAt}; each epoch planned (and
     * counted) once the previous epoch's last group has been handed out.
     */
    Flux<Group> groups(int firstEpoch, int lastEpoch, long startAt, int batchSize) {
        if (startAt > 0 && !options.ordered()) {
            return Flux.error(unordered(startAt));
        }
        // not Flux.range: firstEpoch 0 to Integer.MAX_VALUE is more epochs than an int counts
        return Flux.fromStream(
                        () -> IntStream.rangeClosed(firstEpoch, lastEpoch).boxed())
                .concatMapIterable(e -> groups(e, e == firstEpoch ? startAt : 0, batchSize), 1);
    }

    private static IllegalArgumentException unordered(long startAt) {
        // unordered, a batch's next position does not mean that every sample before it was delivered
        return new IllegalArgumentException("resuming at position " + startAt + " needs ordered delivery "
                + "(PipelineOptions.ordered(true)): in unordered mode a batch's nextPosition() does not say that the "
                + "samples before it were delivered");
    }

    /** An epoch's batches from position {@code startAt}, counted as planned. */
    List<Group> groups(int epoch, long startAt, int batchSize) {
        List<Pipeline.Scheduled> plans = schedule(epoch, startAt, batchSize);
        account.planned(plans.size());
        // batch indexes go on from the interrupted run's: startAt is where one of its batches ended
        long firstIndex = startAt / batchSize;
        List<Group> groups = new ArrayList<>((plans.size() + batchSize - 1) / batchSize);
        for (int i = 0; i < plans.size(); i += batchSize) {
            groups.add(new Group(
                    epoch, firstIndex + i / batchSize, plans.subList(i, Math.min(plans.size(), i + batchSize))));
        }
        return groups;
    }

    /** One batch to assemble: its epoch, its index in the epoch, its samples. */
    record Group(int epoch, long index, List<Pipeline.Scheduled> plans) {

        /** The plans alone, as the source's prefetch hooks take them. */
        List<SamplePlan> samplePlans() {
            List<SamplePlan> out = new ArrayList<>(plans.size());
            for (Pipeline.Scheduled s : plans) {
                out.add(s.plan());
            }
            return out;
        }

        /** The sequence position after this group's last sample: where a run resumes after it. */
        long nextPosition() {
            return plans.get(plans.size() - 1).sequence() + 1;
        }
    }
}
