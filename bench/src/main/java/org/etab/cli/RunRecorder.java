package org.etab.cli;

import de.siegmar.fastcsv.writer.CsvWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
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
 * <p>Threading: {@link #failed} may be called on decode threads, the rest on the consumer's thread; report writes
 * are serialized.
 */
final class RunRecorder implements AutoCloseable {
    static final String[] HEADER = {"id", "status", "stage", "reason"};
    /** What the reason column says of a sample that sharding repeated to even out the ranks. */
    static final String REPEAT = "repeat (sharding padding)";

    private final CsvWriter report;
    private final Path resumeFile;
    private ResumeState state;
    private final IntToLongFunction order;
    private boolean closed;

    RunRecorder(Path reportFile, Path resumeFile, ResumeState initial) {
        this(reportFile, false, resumeFile, initial, epoch -> 0);
    }

    /**
     * @param append add to an existing report (a resumed run's, repaired to the saved position) instead of starting a
     *               new one
     * @param order  the fingerprint of each epoch's order, saved with the state ({@link OrderFingerprint}); called on
     *               the consumer's thread
     */
    RunRecorder(Path reportFile, boolean append, Path resumeFile, ResumeState initial, IntToLongFunction order) {
        this.resumeFile = resumeFile;
        this.state = initial;
        this.order = order;
        try {
            if (reportFile != null) {
                Path parent = reportFile.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                boolean fresh = !append || !Files.exists(reportFile);
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

    /** As {@link #delivered(Batch)}, from a batch's samples and next position (host or device batch). */
    void delivered(List<SampleInfo> samples, long nextPosition) {
        if (report != null) {
            synchronized (this) {
                for (SampleInfo s : samples) {
                    deliveredRow(s);
                }
                flush();
            }
        }
        if (!samples.isEmpty()) {
            saveState(samples.get(0).epoch(), nextPosition);
        }
    }

    /** One delivered sample's row, flushed (export writes them one by one, after each sample's files). */
    void delivered(SampleInfo s) {
        if (report != null) {
            synchronized (this) {
                deliveredRow(s);
                flush();
            }
        }
    }

    /** Saves where a resumed run continues: after everything before {@code nextPosition} of {@code epoch}. */
    void saveState(int epoch, long nextPosition) {
        if (resumeFile != null) {
            state = state.at(epoch, nextPosition, order.applyAsLong(epoch));
            state.write(resumeFile);
        }
    }

    void failed(SampleFailure f) {
        if (report != null) {
            synchronized (this) {
                write(f.id(), "failed", f.stage().toString(), (f.repeat() ? REPEAT + "; " : "") + f.reason());
                flush();
            }
        }
    }

    private void deliveredRow(SampleInfo s) {
        write(s.id(), "delivered", "", s.repeat() ? REPEAT : "");
    }

    /** Rows after {@link #close()} (a shutdown hook closed the report while decode threads still ran) are dropped. */
    private void write(String... row) {
        if (!closed) {
            report.writeRecord(row);
        }
    }

    private void flush() {
        if (closed) {
            return;
        }
        try {
            report.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (report != null && !closed) {
            closed = true;
            try {
                report.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish the report: " + e.getMessage(), e);
            }
        }
    }
}
