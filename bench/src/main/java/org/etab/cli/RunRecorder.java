package org.etab.cli;

import de.siegmar.fastcsv.writer.CsvWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.function.IntToLongFunction;
import org.etab.batch.Batch;
import org.etab.batch.SampleInfo;
import org.etab.sampling.ResumeState;
import org.etab.source.IndexProblem;
import org.etab.source.SampleFailure;
import org.etab.source.Stage;

/**
 * What a run leaves behind besides its RESULT line: the per-row report ({@code --report}: every row of the
 * selection delivered, failed or rejected by the index) and the resume state ({@code --resume}) saved after every
 * batch the consumer finished. Each write is flushed, so that a run stopped at any point leaves a report that says
 * what it did up to there.
 *
 * <p>The report's sample rows are in batch order (epoch, then position), a batch's failures before its delivered
 * rows: failures that arrive early, on decode threads ({@link #failedLater}), wait for the batch they belong to or
 * come before. So the rows before a saved state (saved at a batch's end) are a prefix of the report, and the state
 * counts them ({@code ResumeState.consumed}): a resumed run keeps that prefix ({@link ReportRepair}) and appends.
 *
 * <p>Threading: {@link #failedLater} may be called on any thread, the rest on the consumer's thread; report writes
 * are serialized with {@link #close()}, which a shutdown hook may call.
 */
final class RunRecorder implements AutoCloseable {
    static final String[] HEADER = {"id", "status", "stage", "reason"};
    /** What the reason column says of a sample that sharding repeated to even out the ranks. */
    static final String REPEAT = "repeat (sharding padding)";

    private final CsvWriter report;
    private final Path reportFile;
    private final Path resumeFile;
    private ResumeState state;
    private final IntToLongFunction order;
    private final PriorityBlockingQueue<SampleFailure> early = new PriorityBlockingQueue<>(
            16, Comparator.comparingInt(SampleFailure::epoch).thenComparingLong(SampleFailure::sequence));
    /** Sample rows in the report so far, as the state saves it; without a report none are counted. */
    private long rows;

    private boolean closed;
    /** The locks on the report and state files, released once nothing more is written to them ({@link #close()}). */
    private final List<OutputLock> locks = new ArrayList<>();

    RunRecorder(Path reportFile, Path resumeFile, ResumeState initial) {
        this(reportFile, -1, resumeFile, initial, epoch -> 0);
    }

    /**
     * @param kept  the sample rows of an existing report that a resumed run appends to (its repair kept them), or
     *              -1 to start a new report
     * @param order the fingerprint of each epoch's order, saved with the state ({@link OrderFingerprint}); called on
     *              the consumer's thread
     */
    RunRecorder(Path reportFile, long kept, Path resumeFile, ResumeState initial, IntToLongFunction order) {
        this.reportFile = reportFile;
        this.resumeFile = resumeFile;
        this.state = initial;
        this.order = order;
        boolean fresh = kept < 0 || reportFile == null || !Files.exists(reportFile);
        this.rows = reportFile == null ? ResumeState.NOT_COUNTED : fresh ? 0 : kept;
        try {
            if (reportFile != null) {
                Path parent = reportFile.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                OpenOption[] mode = fresh
                        ? new OpenOption[] {
                            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE
                        }
                        : new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND};
                report = CsvWriter.builder().build(Files.newBufferedWriter(reportFile, mode));
                if (fresh) {
                    report.writeRecord(HEADER);
                    report.flush();
                }
            } else {
                report = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(reportFile + ": cannot write the report: " + e.getMessage(), e);
        }
    }

    /** The rows of the selection the index rejected: status {@code rejected}, stage {@code index}. */
    void rejected(List<IndexProblem> rows) {
        if (report == null || rows.isEmpty()) {
            return;
        }
        synchronized (this) {
            for (IndexProblem p : rows) {
                write(rejectedRow(p));
            }
            flush();
        }
    }

    /** A rejected row of the report: status {@code rejected}, stage {@code index}, the file and the reason. */
    static String[] rejectedRow(IndexProblem p) {
        return new String[] {p.id(), "rejected", Stage.INDEX.toString(), p.file() + ": " + p.reason()};
    }

    /** After the consumer is done with a batch: report its samples, then save where the run continues. */
    void delivered(Batch batch) {
        delivered(batch.samples(), batch.nextPosition());
    }

    /**
     * As {@link #delivered(Batch)}, from a batch's samples and next position (host or device batch): first the
     * failures that come before its end in the sequence, then its samples, then the state.
     */
    void delivered(List<SampleInfo> samples, long nextPosition) {
        if (samples.isEmpty()) {
            return;
        }
        int epoch = samples.get(0).epoch();
        synchronized (this) {
            SampleFailure f;
            while ((f = early.peek()) != null
                    && (f.epoch() < epoch || f.epoch() == epoch && f.sequence() < nextPosition)) {
                failedRow(early.poll());
            }
            for (SampleInfo s : samples) {
                deliveredRow(s.id(), s.repeat());
            }
            flush();
        }
        saveState(epoch, nextPosition);
    }

    /**
     * One delivered sample's row under the id its files have, flushed (export writes them one by one, after each
     * sample's files).
     */
    void delivered(SampleInfo s, String id) {
        synchronized (this) {
            deliveredRow(id, s.repeat());
            flush();
        }
    }

    /** Saves where a resumed run continues: after everything before {@code nextPosition} of {@code epoch}. */
    synchronized void saveState(int epoch, long nextPosition) {
        if (resumeFile != null && !closed) {
            state = state.at(epoch, nextPosition)
                    .withOrder(order.applyAsLong(epoch))
                    .withConsumed(rows);
            state.write(resumeFile);
        }
    }

    /**
     * Stops recording for a run a signal stopped ({@link #close()}: nothing more is written, the state stays as
     * saved, while the run's threads still go on until the JVM halts).
     *
     * @return where {@code --resume} goes on from that state, or null without {@code --resume}
     */
    synchronized String stop() {
        close();
        return resumeFile == null
                ? null
                : "--resume " + resumeFile + " goes on from epoch " + state.epoch() + ", position " + state.position();
    }

    /** A failure in its place in the sequence, written now (the caller orders them: export). */
    void failed(SampleFailure f) {
        synchronized (this) {
            failedRow(f);
            flush();
        }
    }

    /** A failure as it happens, on a decode thread: written before the batch it comes before, or by {@link #finish}. */
    void failedLater(SampleFailure f) {
        early.add(f);
    }

    /** Writes the failures still waiting (the run ended, or stopped on a failure), in sequence order. */
    void finish() {
        synchronized (this) {
            SampleFailure f;
            while ((f = early.poll()) != null) {
                failedRow(f);
            }
            flush();
        }
    }

    private void failedRow(SampleFailure f) {
        write(f.id(), "failed", f.stage().toString(), (f.repeat() ? REPEAT + "; " : "") + f.reason());
    }

    private void deliveredRow(String id, boolean repeat) {
        write(id, "delivered", "", repeat ? REPEAT : "");
    }

    /** Rows after {@link #close()} (a shutdown hook closed the report while decode threads still ran) are dropped. */
    private void write(String... row) {
        if (report != null && !closed) {
            try {
                report.writeRecord(row); // flushes on its own when its buffer is full
            } catch (UncheckedIOException e) {
                throw failed("cannot write the report", e.getCause());
            }
            if (row[1].equals("delivered") || row[1].equals("failed")) {
                rows++;
            }
        }
    }

    private void flush() {
        if (report == null || closed) {
            return;
        }
        try {
            report.flush();
        } catch (IOException e) {
            throw failed("cannot write the report", e);
        }
    }

    /**
     * Releases these locks when the recorder is closed, also by a shutdown hook ({@link #stop()}): a run stopped by a
     * signal then leaves no lock file beside its report and state.
     */
    synchronized void releaseWhenClosed(OutputLock... held) {
        for (OutputLock l : held) {
            if (l != null) {
                locks.add(l);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true; // also without a report: no state is saved after it
        try {
            if (report != null) {
                report.close();
            }
        } catch (IOException e) {
            throw failed("cannot finish the report", e);
        } finally {
            for (OutputLock l : locks) {
                try {
                    l.close();
                } catch (IOException e) {
                    // the lock is released with its channel's close regardless; a stale file is taken over next time
                }
            }
        }
    }

    /** A report write that failed (a full disk, say), naming the report: the run stops with it. */
    private UncheckedIOException failed(String what, IOException e) {
        return new UncheckedIOException(reportFile + ": " + what + ": " + e.getMessage(), e);
    }
}
