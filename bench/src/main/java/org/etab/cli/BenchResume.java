package org.etab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.etab.pipeline.Pipeline;
import org.etab.sampling.ResumeState;
import org.etab.source.IndexProblem;

/**
 * {@code etab bench --resume}: where the run starts from a saved state, and its {@code --report} brought back to that
 * point so that the run appends to it. Plans only (the pipeline's schedule); reads no sample.
 */
final class BenchResume {
    private BenchResume() {}

    /**
     * The state this run starts from: the saved one when it lies in the run's epochs, or the first epoch's start when
     * the saved state is the end of the run before (its last epoch, finished).
     *
     * @param plan  a pipeline of this run's source and options, for its schedule
     * @param order the fingerprint of each epoch's order in this run
     * @throws IllegalArgumentException naming the file, when the saved state is one this run would not continue: of
     *     another order, past the schedule, or in other epochs
     */
    /** Runs a check of a saved state, its refusal naming the state's file (the library's message names none). */
    static void naming(Path file, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static ResumeState start(
            ResumeState saved, int firstEpoch, int epochs, Pipeline plan, Path file, IntToLongFunction order) {
        int lastEpoch = firstEpoch + epochs - 1;
        if (saved.epoch() >= firstEpoch && saved.epoch() <= lastEpoch) {
            naming(file, () -> saved.requireSameOrder(order.applyAsLong(saved.epoch())));
            long length =
                    plan.schedule(saved.epoch(), 0, plan.options().batchSize()).size();
            if (saved.position() > length) {
                throw pastTheEnd(file, saved.position(), length);
            }
            return saved;
        }
        boolean previousFinished = saved.epoch() == firstEpoch - 1
                && saved.position()
                        >= plan.schedule(saved.epoch(), 0, plan.options().batchSize())
                                .size();
        if (previousFinished) {
            return saved.at(firstEpoch, 0);
        }
        throw new IllegalArgumentException(file + " is at epoch " + saved.epoch() + ", position " + saved.position()
                + ", which this run (--start-epoch " + firstEpoch + " --epochs " + epochs + ") would not continue: "
                + "resume with --start-epoch and --epochs that include epoch " + saved.epoch() + ", or start at the "
                + "epoch after a finished run's last one");
    }

    /**
     * True when {@code state}, as {@link #start} returned it, is the end of this run: its last epoch, every sample of
     * the schedule delivered. The run then streams nothing.
     */
    static boolean finished(ResumeState state, int lastEpoch, Pipeline plan) {
        return state.epoch() == lastEpoch
                && state.position()
                        >= plan.schedule(state.epoch(), 0, plan.options().batchSize())
                                .size();
    }

    /** A saved position past this run's schedule: the run that saved it planned another sequence. */
    static IllegalArgumentException pastTheEnd(Path file, long position, long length) {
        return new IllegalArgumentException(file + " is at position " + position + ", past the " + length
                + " samples this run plans for that epoch: its --limit, --drop-last, --clip-start or selection differ"
                + " from the run that saved it; resume with the same ones");
    }

    /**
     * Repairs the report of the run that saved {@code state}: it keeps the sample rows before the state
     * ({@code ResumeState.consumed} of them, the report being in sequence order: {@link RunRecorder}).
     *
     * @return the sample rows kept, or -1 when there is no report (the run starts one)
     * @throws IllegalArgumentException when the report exists and the state does not count its rows
     */
    static long repairReport(Path report, ResumeState state, List<IndexProblem> rejected) {
        if (!Files.exists(report)) {
            return -1;
        }
        if (state.consumed() == ResumeState.NOT_COUNTED) {
            throw new IllegalArgumentException("cannot continue " + report + ": the resume state does not say how many"
                    + " of its rows come before it (saved by an older etab, or by a run without --report); name "
                    + "another --report file");
        }
        long kept = ReportRepair.repair(report, rejected, ReportRepair.first(state.consumed()));
        ReportRepair.warnIfShort(report, kept, state.consumed());
        return kept;
    }
}
