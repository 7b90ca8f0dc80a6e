package org.etab.pipeline;

import org.etab.batch.Batch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Says in the log when an iterated epoch ends without a batch: DL4J's {@code fit} and DJL's {@code EasyTrain.fit}
 * pass such an epoch in silence (DJL with a NaN loss), and so does a plain loop.
 */
final class EmptyEpochWarning {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private EmptyEpochWarning() {}

    /**
     * {@code epochBatches}, warning once per subscription if it completes without an item: why (nothing planned,
     * or every planned sample failed), from what the account counted while it ran. Silent when it is cancelled or
     * fails, and when it resumed at the epoch's very end ({@code startAt > 0}, nothing left).
     */
    static Flux<Batch> watch(Flux<Batch> epochBatches, RunAccount account, int epoch, long startAt) {
        return Flux.defer(() -> {
            long plannedBefore = account.planned();
            long failedBefore = account.failed();
            return epochBatches.switchIfEmpty(Flux.defer(() -> {
                warn(epoch, startAt, account.planned() - plannedBefore, account.failed() - failedBefore);
                return Flux.empty();
            }));
        });
    }

    private static void warn(int epoch, long startAt, long planned, long failed) {
        if (planned == 0) {
            if (startAt == 0) {
                LOG.warn("epoch {} gave no batch: it planned no sample (limit, drop-last or sharding)", epoch);
            }
        } else {
            LOG.warn(
                    "epoch {} gave no batch: {} of its {} samples failed (the pipeline's account().failures() names "
                            + "them)",
                    epoch,
                    failed,
                    planned);
        }
    }
}
