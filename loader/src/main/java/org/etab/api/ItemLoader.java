package org.etab.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;

/**
 * {@link EtabDataset#loadData}'s loop: copies the first {@code n} good samples of an opened selection to the heap, in
 * plan order. A sample that fails is listed and replaced by the next one in that order (the plan is a pure function
 * of the seed), round after round, until {@code n} are loaded or a round has nothing left to try; with
 * {@code strict}, the first failure ends the load instead.
 *
 * <p>Threading: one caller; each round runs a pipeline of {@code threads} decode threads and blocks until it ends.
 *
 * <p>Ownership: the caller owns the opened dataset and closes it after {@link #load}; each batch is copied to the
 * heap and closed at once, each round's pipeline closed when the round ends.
 */
final class ItemLoader {
    /**
     * Samples per batch while loading, when they fit (the items are copied to the heap, so the batch only sizes the
     * pool): fewer for large samples and small loads.
     */
    static final int BATCH = 16;

    private final OpenedDataset opened;
    private final int threads;
    private final boolean strict;
    private final List<Item> items = new ArrayList<>();
    private final List<SampleFailure> failed = new ArrayList<>();
    private int batch = BATCH;

    ItemLoader(OpenedDataset opened, int threads, boolean strict) {
        this.opened = opened;
        this.threads = threads;
        this.strict = strict;
    }

    /** The batch of a load of {@code wanted} samples (0: all): at most {@link #BATCH}, {@code wanted}, and what fits. */
    private int batchFor(long wanted) {
        PipelineOptions po = pipelineOptions(1, 0);
        int cap = wanted > 0 ? (int) Math.min(BATCH, wanted) : BATCH;
        return BatchPool.batchWithinHalf(
                opened.source().features(), opened.source().labels(), po.batchesAhead() + po.consumerHeld(), cap);
    }

    /**
     * Loads until {@code nClips} items are held or the selection has no sample left to try.
     *
     * @param nClips samples wanted; {@code <= 0}: all
     * @throws SampleException with {@code strict}, naming the first failed sample in load order, its file and reason;
     *                         {@link #items()} and {@link #failures()} then hold what was loaded and seen before it
     */
    void load(int nClips) {
        long wanted = Math.max(0, nClips);
        batch = batchFor(wanted);
        long start = 0;
        // each round plans the samples still missing after the ones already tried: the plan order is a pure
        // function of the seed, so a failed sample is replaced by the next one in that order
        do {
            long need = wanted == 0 ? 0 : wanted - items.size();
            Round round;
            try (Pipeline p = pipeline(wanted == 0 ? 0 : start + need)) {
                round = round(p, start);
            }
            if (round.stop() != null) {
                throw firstFailure(round.stop()); // with this round's pipeline closed: its threads and buffers gone
            }
            if (round.tried() == 0) {
                break;
            }
            start += round.tried();
        } while (wanted > 0 && items.size() < wanted);
    }

    /** A round's pipeline: samples up to position {@code limit} (0: all), stopping at the first failure if strict. */
    private Pipeline pipeline(long limit) {
        return new Pipeline(opened.source(), pipelineOptions(batch, limit));
    }

    private PipelineOptions pipelineOptions(int batchSize, long limit) {
        return PipelineOptions.builder()
                .batchSize(batchSize)
                .threads(threads)
                .limit(limit)
                .onError(strict ? ErrorPolicy.FAIL : ErrorPolicy.SKIP)
                .build();
    }

    /** The items loaded so far, in load order. */
    List<Item> items() {
        return List.copyOf(items);
    }

    /** The samples tried and failed so far, in load order. */
    List<SampleFailure> failures() {
        return List.copyOf(failed);
    }

    /** What a round did: how many samples it tried, or (strict) the failure that stopped it. */
    private record Round(long tried, Stop stop) {}

    /** Strict: the first failure in load order that a round saw, and the pipeline's exception. */
    private record Stop(SampleFailure first, SampleException cause) {}

    /** One round: the samples from {@code start} on. */
    private Round round(Pipeline p, long start) {
        List<Pipeline.Scheduled> schedule = p.schedule(0, start, batch);
        Map<String, Long> order = new HashMap<>();
        schedule.forEach(s -> order.putIfAbsent(s.plan().id(), s.sequence()));
        // its own stream, not iterate(epoch): a round is not an epoch, and failures() says what failed
        try (BatchIterator<Batch> batches = p.iterate(p.batches(0, start), 2)) {
            while (batches.hasNext()) {
                try (Batch batch = batches.next()) {
                    for (int i = 0; i < batch.size(); i++) {
                        items.add(new Item(
                                batch.samples().get(i).id(),
                                Tensor.copyOf(batch.features(), i),
                                Tensor.copyOf(batch.labels(), i)));
                    }
                }
            }
        } catch (SampleException e) {
            List<SampleFailure> seen = addFailures(p, order);
            if (seen.isEmpty()) {
                throw e;
            }
            return new Round(0, new Stop(seen.get(0), e));
        }
        addFailures(p, order);
        return new Round(schedule.size(), null);
    }

    /**
     * Adds the round's failures to {@link #failures()} in load order (threads fail in any order).
     *
     * @param order each scheduled sample's position in the round, by id
     * @return the round's failures, in load order
     */
    private List<SampleFailure> addFailures(Pipeline p, Map<String, Long> order) {
        List<SampleFailure> seen = new ArrayList<>(p.account().failures());
        seen.sort(Comparator.comparing(f -> order.getOrDefault(f.id(), Long.MAX_VALUE)));
        failed.addAll(seen);
        return seen;
    }

    /**
     * Strict: the exception naming the first failure in load order, with the items as one thread leaves them (the
     * batches before the failing one's). Batches are filled on several threads, so a later batch may fail first, and
     * the stream's end then cancels the batches before it between samples: samples before the failure may never have
     * been tried. Nothing failed before a strict load's first failure, so the items are positions {@code 0..} without
     * gaps, and the samples from {@code items.size()} to the failure are tried now, in order, on a new pipeline; one
     * of them failing becomes the failure named.
     */
    private SampleException firstFailure(Stop stop) {
        Stop first = stop;
        while (items.size() < first.first().sequence()) {
            Round earlier;
            try (Pipeline p = pipeline(first.first().sequence())) {
                earlier = round(p, items.size());
            }
            if (earlier.stop() == null) {
                break;
            }
            first = earlier.stop();
        }
        int batchStart = (int) (first.first().sequence() / batch * batch);
        if (items.size() > batchStart) {
            items.subList(batchStart, items.size()).clear();
        }
        failed.sort(Comparator.comparingLong(SampleFailure::sequence));
        SampleFailure f = first.first();
        // a decode failure's reason starts with its file already; a plan failure's does not name it
        String reason = f.reason().contains(f.file()) ? f.reason() : f.file() + ": " + f.reason();
        return new SampleException(
                f.stage(),
                "loadData (strict): sample " + f.id() + " failed at " + f.stage() + ": " + reason,
                first.cause());
    }
}
