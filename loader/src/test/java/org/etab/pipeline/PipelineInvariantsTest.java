package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.HostAllocator;
import org.etab.batch.Sample;
import org.etab.batch.SampleInfo;
import org.etab.sampling.Sharding;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SampleWorker;
import org.etab.source.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random options, faults and consumers against the pipeline's contract, as a property test: whatever the thread
 * count, prefetch, batch size, order, limit, sharding or error policy, and whichever way a consumer reads (a whole
 * epoch, a break, several epochs in one stream, sample by sample), every sample of a finished epoch is delivered or
 * reported exactly once, a stop under {@code FAIL} names a sample that did fail, nothing hangs, and every pooled
 * buffer and worker comes back. Each trial is a pure function of its seed; a failure names the seed and its set-up.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PipelineInvariantsTest {
    private static final int TRIALS = Integer.getInteger("etab.invariants.trials", 150);
    private static final Duration TIMEOUT = Duration.ofMillis(300); // far above any jitter, even on a loaded machine

    /** What a worker does with one plan, decided by the trial's seed and the plan's id. */
    private enum Fault {
        NONE,
        SAMPLE_FAILS,
        BUG, // a RuntimeException: still one sample's failure, stage INTERNAL
        BAD_PLAN, // failed at planning time
        OVERRUNS // takes longer than the sample timeout
    }

    private record Trial(long seed, int size, PipelineOptions options, int consumer, double faultRate) {
        Fault fault(String id) {
            SplittableRandom r = new SplittableRandom(seed * 31 + id.hashCode());
            if (r.nextDouble() >= faultRate) {
                return Fault.NONE;
            }
            List<Fault> faults = options.sampleTimeout().isZero()
                    ? List.of(Fault.SAMPLE_FAILS, Fault.BUG, Fault.BAD_PLAN)
                    : List.of(Fault.SAMPLE_FAILS, Fault.BUG, Fault.BAD_PLAN, Fault.OVERRUNS);
            return faults.get(r.nextInt(faults.size()));
        }

        /** Spins a little for some plans, so that threads finish out of order. */
        void jitter(String id) {
            int micros = new SplittableRandom(seed ^ id.hashCode()).nextInt(0, 400);
            if (micros > 300) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(micros * 5L));
            }
        }

        @Override
        public String toString() {
            return "seed " + seed + ": size " + size + ", consumer " + consumer + ", faults " + faultRate + ", "
                    + options;
        }
    }

    @Test
    void everySampleIsDeliveredOrReportedOnceAndEveryBufferComesBack() {
        long base = Long.getLong("etab.invariants.seed", 20261206L);
        for (int i = 0; i < TRIALS; i++) {
            Trial trial = trial(base + i);
            try {
                run(trial);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(trial + "\n" + e, e);
            }
        }
    }

    private static Trial trial(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int threads = r.nextInt(1, 4);
        PipelineOptions.Builder o = PipelineOptions.builder()
                .batchSize(r.nextInt(1, 7))
                .dropLast(r.nextInt(4) == 0)
                .threads(threads)
                .prefetch(r.nextInt(0, 3))
                .consumerHeld(r.nextInt(1, 4))
                .ordered(r.nextBoolean())
                .onError(r.nextInt(5) == 0 ? ErrorPolicy.FAIL : ErrorPolicy.SKIP)
                .sampleTimeout(r.nextInt(3) == 0 ? TIMEOUT : Duration.ZERO);
        if (r.nextInt(4) == 0) {
            o.limit(r.nextInt(1, 20));
        }
        if (r.nextInt(4) == 0) {
            int world = r.nextInt(2, 4);
            o.sharding(new Sharding(r.nextInt(world), world, r.nextBoolean()));
        }
        double faultRate = r.nextInt(3) == 0 ? 0 : r.nextDouble(0.02, 0.3);
        return new Trial(seed, r.nextInt(0, 30), o.build(), r.nextInt(7), faultRate);
    }

    private static void run(Trial trial) {
        FakeSource source = new FakeSource(trial.size());
        source.failAtPlan = badPlans(trial);
        source.load = (plan, slot, deadline) -> {
            trial.jitter(plan.id());
            switch (trial.fault(plan.id())) {
                case SAMPLE_FAILS -> throw new SampleException(Stage.DECODE, plan.file() + ": corrupt");
                case BUG -> throw new IllegalStateException("bug in " + plan.id());
                case OVERRUNS -> {
                    while (!SampleWorker.pastDeadline(deadline)) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                }
                default -> {}
            }
            return FakeSource.ONE_FRAME;
        };
        Pipeline p = new Pipeline(source, trial.options(), new SimpleMeterRegistry(), HostAllocator.NATIVE);
        try {
            switch (trial.consumer()) {
                case 0 -> wholeEpochs(p, trial);
                case 1 -> breakThenWholeEpoch(p, trial);
                case 2 -> severalEpochsInOneStream(p, trial);
                case 3 -> forLoopsThatBreak(p, trial);
                case 4 -> sampleBySample(p, trial);
                case 5 -> resumedEpoch(p, trial);
                default -> closedFromAnotherThread(p, trial);
            }
        } finally {
            p.close();
        }
        assertReturned(p.batchPool());
        assertReturned(p.samplePool());
        assertThat(source.workersClosed.get()).as("workers closed").isEqualTo(source.workersMade.get());
    }

    /** Plan ids of the first epochs that fail at planning time (the ids a trial's epochs can have). */
    private static List<String> badPlans(Trial trial) {
        List<String> bad = new ArrayList<>();
        for (int epoch = 0; epoch < 4; epoch++) {
            for (int i = 0; i < trial.size(); i++) {
                String id = epoch + "/" + i;
                if (trial.fault(id) == Fault.BAD_PLAN) {
                    bad.add(id);
                }
            }
        }
        return bad;
    }

    /** Two epochs read to their end, holding up to {@code consumerHeld} batches at once as a training step may. */
    private static void wholeEpochs(Pipeline p, Trial trial) {
        for (int epoch = 0; epoch < 2; epoch++) {
            Read read = new Read();
            ArrayDeque<Batch> held = new ArrayDeque<>();
            try (BatchIterator<Batch> it = p.iterate(epoch)) {
                while (it.hasNext()) {
                    Batch b = it.next();
                    read.add(b.samples());
                    held.add(b);
                    if (held.size() >= trial.options().consumerHeld()) {
                        held.poll().close();
                    }
                }
            } catch (SampleException e) {
                read.stop = e;
            } finally {
                held.forEach(Batch::close);
            }
            checkEpoch(p, trial, epoch, read, trial.options().batchSize());
        }
    }

    /** An epoch left after a few batches, then the next one read whole on the same pipeline. */
    private static void breakThenWholeEpoch(Pipeline p, Trial trial) {
        int keep = (int) (trial.seed() % 3);
        Read partial = new Read();
        try (BatchIterator<Batch> it = p.iterate(0)) {
            for (int n = 0; n < keep && it.hasNext(); n++) {
                try (Batch b = it.next()) {
                    partial.add(b.samples());
                }
            }
        } catch (SampleException e) {
            partial.stop = e;
        }
        partial.assertDeliveredOnce();
        assertNoSampleFailedNotFaulty(p, trial);
        Read whole = new Read();
        long failedBefore = p.account().failed();
        try (BatchIterator<Batch> it = p.iterate(1)) {
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    whole.add(b.samples());
                }
            }
        } catch (SampleException e) {
            whole.stop = e;
        }
        List<SampleFailure> epoch1 = failures(p, 1);
        assertThat((long) epoch1.size()).isLessThanOrEqualTo(p.account().failed() - failedBefore);
        checkIds(p, trial, 1, whole, epoch1, trial.options().batchSize());
    }

    /** Three epochs as one stream ({@code batches(first, last, 0)}), each batch closed as it comes. */
    private static void severalEpochsInOneStream(Pipeline p, Trial trial) {
        Read read = new Read();
        try {
            p.batches(0, 2, 0)
                    .doOnNext(b -> {
                        read.add(b.samples());
                        b.close();
                    })
                    .blockLast(Duration.ofSeconds(60));
        } catch (SampleException e) {
            read.stop = e;
        }
        read.assertDeliveredOnce();
        if (read.stop == null) {
            for (int epoch = 0; epoch < 3; epoch++) {
                int e = epoch;
                Read one = new Read();
                one.add(read.ids.stream()
                        .filter(id -> id.startsWith(e + "/"))
                        .map(Read::info)
                        .toList());
                checkIds(
                        p,
                        trial,
                        epoch,
                        one,
                        failures(p, epoch),
                        trial.options().batchSize());
            }
            assertThat(p.account().planned())
                    .isEqualTo(p.account().delivered() + p.account().failed());
        } else {
            assertStopWasAFailure(p, trial, read.stop);
        }
    }

    /** Plain for loops over {@link Pipeline#consume}: one breaks at once, the next breaks later, the last runs out. */
    private static void forLoopsThatBreak(Pipeline p, Trial trial) {
        for (int epoch = 0; epoch < 3; epoch++) {
            Read read = new Read();
            int n = 0;
            try {
                for (Batch b : p.consume(p.batches(epoch))) {
                    try (b) {
                        read.add(b.samples());
                    }
                    if (epoch < 2 && ++n > epoch) {
                        break; // the loop's iterator stays open until the next one closes it
                    }
                }
            } catch (SampleException e) {
                read.stop = e;
            }
            read.assertDeliveredOnce();
            if (epoch == 2) {
                checkEpoch(p, trial, epoch, read, trial.options().batchSize());
            }
        }
    }

    /** One epoch through {@link Pipeline#samples}, each sample in its own pooled slot. */
    private static void sampleBySample(Pipeline p, Trial trial) {
        Read read = new Read();
        try (BatchIterator<Sample> it = p.iterate(p.samples(0), 2)) {
            while (it.hasNext()) {
                try (Sample s = it.next()) {
                    read.add(List.of(s.info()));
                }
            }
        } catch (SampleException e) {
            read.stop = e;
        }
        checkEpoch(p, trial, 0, read, 1); // samples are batches of one: drop-last cuts nothing
    }

    /**
     * An epoch read for a few batches and resumed from the last one's {@link Batch#nextPosition()} on the same
     * pipeline (ordered: a position says that every sample before it came): the two reads deliver the epoch once.
     */
    private static void resumedEpoch(Pipeline p, Trial trial) {
        if (!trial.options().ordered()) {
            wholeEpochs(p, trial);
            return;
        }
        Read read = new Read();
        long resumeAt = 0;
        int keep = 1 + (int) (trial.seed() % 3);
        try (BatchIterator<Batch> it = p.iterate(0)) {
            for (int n = 0; n < keep && it.hasNext(); n++) {
                try (Batch b = it.next()) {
                    read.add(b.samples());
                    resumeAt = b.nextPosition();
                }
            }
            if (it.hasNext()) { // more to come: resume; else the epoch is read already
                it.close();
                try (BatchIterator<Batch> rest = p.iterate(0, resumeAt)) {
                    while (rest.hasNext()) {
                        try (Batch b = rest.next()) {
                            read.add(b.samples());
                        }
                    }
                }
            }
        } catch (SampleException e) {
            read.stop = e;
        }
        read.assertDeliveredOnce();
        if (read.stop != null) {
            assertStopWasAFailure(p, trial, read.stop);
            return;
        }
        // samples made ahead of the first read fail again in the second: the account has them twice, the ids once
        List<SampleFailure> failed =
                failures(p, 0).stream().filter(distinctBy(SampleFailure::id)).toList();
        checkIds(p, trial, 0, read, failed, trial.options().batchSize());
    }

    /** {@link Pipeline#close()} from another thread while the consumer reads: the read ends, nothing hangs. */
    private static void closedFromAnotherThread(Pipeline p, Trial trial) {
        Read read = new Read();
        Thread closer = new Thread(() -> {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(new SplittableRandom(trial.seed()).nextInt(3_000)));
            p.close();
        });
        Throwable ended = null;
        try (BatchIterator<Batch> it = p.iterate(0)) {
            closer.start();
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    read.add(b.samples());
                }
            }
        } catch (SampleException e) {
            read.stop = e;
        } catch (IllegalStateException e) {
            ended = e;
        }
        try {
            closer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(closer.isAlive()).as("close returned").isFalse();
        read.assertDeliveredOnce();
        if (ended != null) {
            // the stream's own error, or the iteration's when the close reached it first
            assertThat(ended.getMessage())
                    .isIn("pipeline is closed", "this iteration is closed: the pipeline was closed");
        }
        if (read.stop != null) {
            assertStopWasAFailure(p, trial, read.stop);
        }
        assertNoSampleFailedNotFaulty(p, trial);
        assertThat(p.account().delivered() + p.account().failed())
                .isLessThanOrEqualTo(p.account().planned());
        assertThatThrownBy(() -> p.iterate(1)).hasMessage("pipeline is closed");
    }

    private static <T> java.util.function.Predicate<T> distinctBy(java.util.function.Function<T, ?> key) {
        Set<Object> seen = new HashSet<>();
        return t -> seen.add(key.apply(t));
    }

    /** The samples one read delivered, and the stop it ended with, if any. */
    private static final class Read {
        final List<String> ids = new ArrayList<>();
        SampleException stop;

        void add(List<SampleInfo> samples) {
            samples.forEach(s -> ids.add(s.id()));
        }

        void assertDeliveredOnce() {
            assertThat(ids).as("delivered ids").doesNotHaveDuplicates();
        }

        static SampleInfo info(String id) {
            int epoch = Integer.parseInt(id.substring(0, id.indexOf('/')));
            return new SampleInfo(id, epoch, 0, new int[] {0}, 1);
        }
    }

    /** A finished epoch: with no stop, its delivered and failed ids are exactly its schedule's; else the stop. */
    private static void checkEpoch(Pipeline p, Trial trial, int epoch, Read read, int batchSize) {
        read.assertDeliveredOnce();
        if (read.stop != null) {
            assertStopWasAFailure(p, trial, read.stop);
            return;
        }
        checkIds(p, trial, epoch, read, failures(p, epoch), batchSize);
    }

    private static void checkIds(
            Pipeline p, Trial trial, int epoch, Read read, List<SampleFailure> failed, int batchSize) {
        read.assertDeliveredOnce();
        if (read.stop != null) {
            assertStopWasAFailure(p, trial, read.stop);
            return;
        }
        List<String> scheduled =
                p.schedule(epoch, 0, batchSize).stream().map(s -> s.plan().id()).toList();
        Set<String> faulty =
                scheduled.stream().filter(id -> trial.fault(id) != Fault.NONE).collect(Collectors.toSet());
        Set<String> failedIds = failed.stream().map(SampleFailure::id).collect(Collectors.toSet());
        assertThat(failed).as("each failure once").hasSize(failedIds.size());
        assertThat(failedIds).as("failed in epoch " + epoch).isEqualTo(faulty);
        assertThat(new HashSet<>(read.ids))
                .as("delivered in epoch " + epoch)
                .isEqualTo(scheduled.stream().filter(id -> !faulty.contains(id)).collect(Collectors.toSet()));
        if (trial.options().ordered()) {
            assertThat(read.ids)
                    .as("plan order")
                    .isEqualTo(scheduled.stream()
                            .filter(id -> !faulty.contains(id))
                            .toList());
        }
        for (SampleFailure f : failed) {
            Stage expected = switch (trial.fault(f.id())) {
                case SAMPLE_FAILS -> Stage.DECODE;
                case BUG -> Stage.INTERNAL;
                case BAD_PLAN -> Stage.PLAN;
                case OVERRUNS -> Stage.TIMEOUT;
                case NONE -> fail("failed without a fault: " + f);
            };
            assertThat(f.stage()).as(f.toString()).isEqualTo(expected);
        }
    }

    private static void assertStopWasAFailure(Pipeline p, Trial trial, SampleException stop) {
        assertThat(trial.options().onError()).as("a stop under skip: " + stop).isEqualTo(ErrorPolicy.FAIL);
        SampleFailure failure =
                stop.failure().orElseThrow(() -> new AssertionError("a stop without its failure", stop));
        assertThat(trial.fault(failure.id())).as(stop.getMessage()).isNotEqualTo(Fault.NONE);
        assertThat(p.account().failures()).contains(failure);
        assertNoSampleFailedNotFaulty(p, trial);
        assertThat(p.account().delivered() + p.account().failed())
                .isLessThanOrEqualTo(p.account().planned());
    }

    private static void assertNoSampleFailedNotFaulty(Pipeline p, Trial trial) {
        for (SampleFailure f : p.account().failures()) {
            assertThat(trial.fault(f.id())).as("failed without a fault: " + f).isNotEqualTo(Fault.NONE);
        }
    }

    private static List<SampleFailure> failures(Pipeline p, int epoch) {
        return p.account().failures().stream().filter(f -> f.epoch() == epoch).toList();
    }

    /** Buffers come back when their batch tasks end, which may be just after a close or a cancel returns. */
    private static void assertReturned(BatchPool pool) {
        if (pool == null) {
            return;
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.outstanding() > 0 && System.nanoTime() < end) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(pool.outstanding()).as("buffers out of " + pool).isZero();
    }
}
