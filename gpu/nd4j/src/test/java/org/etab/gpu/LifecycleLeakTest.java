package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.Target;
import org.etab.testing.Leaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link EtabDataSetIterator}'s lifecycle run many times in one JVM (a hyper-parameter sweep fitting one network per
 * trial): afterwards no thread, file descriptor or JavaCPP native byte may be left of it, and no pooled buffer out.
 * Each lifecycle runs twice first, so that what the JVM, ND4J and FFmpeg load once is in the baseline.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleLeakTest {
    private static final int CYCLES = 40;

    @ParameterizedTest
    @EnumSource(EtabDataSetIterator.Ownership.class)
    void aPipelineAndItsIteratorPerTrialLeaveNothing(EtabDataSetIterator.Ownership ownership) throws Exception {
        leavesNothing("a pipeline per trial, " + ownership, i -> {
            try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, i);
                    EtabDataSetIterator it =
                            EtabDataSetIterator.builder(p).ownership(ownership).build()) {
                while (it.hasNext()) {
                    it.next();
                }
                it.reset(); // the next epoch, stopped early twice
                it.next();
                it.reset();
                it.next();
            }
        });
    }

    @Test
    void iteratorsOverOnePipelineStoppedEarlyLeaveNoBufferOut() throws Exception {
        try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, 3)) {
            leavesNothing("iterators stopped early on one pipeline", false, i -> {
                try (EtabDataSetIterator it = EtabDataSetIterator.builder(p)
                        .ownership(EtabDataSetIterator.Ownership.VIEW)
                        .firstEpoch(i)
                        .build()) {
                    it.next();
                }
                assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
            });
            // the pool made its buffers once and reused them: batchesAhead + consumerHeld at most
            assertThat(PipelineProbe.batchPool(p).allocated())
                    .isLessThanOrEqualTo(
                            p.options().batchesAhead() + p.options().consumerHeld());
        }
    }

    @Test
    void fittingANetworkPerTrialLeavesNothing() throws Exception {
        leavesNothing("DL4J fit per trial", i -> {
            try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, i);
                    EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
                Dl4jFitTest.tinyNetwork().fit(it);
            }
        });
    }

    private static void leavesNothing(String what, Leaks.Cycle cycle) throws Exception {
        Leaks.assertLeavesNothing(what, CYCLES, null, true, cycle);
    }

    /** Without native bytes: a pipeline that stays open across the cycles may allocate a pool buffer late. */
    private static void leavesNothing(String what, boolean nativeBytes, Leaks.Cycle cycle) throws Exception {
        Leaks.assertLeavesNothing(what, CYCLES, null, nativeBytes, cycle);
    }
}
