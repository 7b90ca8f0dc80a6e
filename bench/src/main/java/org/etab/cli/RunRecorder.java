package org.etab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import de.siegmar.fastcsv.writer.CsvWriter;
import org.etab.batch.Batch;
import org.etab.batch.SampleInfo;
import org.etab.source.SampleFailure;
import org.etab.sampling.ResumeState;

/**
 * What a run leaves behind besides its RESULT line: the per-sample report ({@code --report}) and the resume state
 * ({@code --resume}) saved after every batch the consumer finished.
 *
 * <p>Threading: {@link #failed} is called on decode threads, {@link #delivered} on the consumer's thread;
 * report writes are serialized.
 */
final class RunRecorder implements AutoCloseable {
    private final CsvWriter report;
    private final Path resumeFile;
    private ResumeState state;

    RunRecorder(Path reportFile, Path resumeFile, ResumeState initial) {
        this.resumeFile = resumeFile;
        this.state = initial;
        try {
            if (reportFile != null) {
                Path parent = reportFile.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                report = CsvWriter.builder().build(reportFile);
                report.writeRecord("id", "status", "stage", "reason");
            } else {
                report = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(reportFile + ": cannot write the report: " + e.getMessage(), e);
        }
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
                    report.writeRecord(s.id(), "delivered", "", s.repeat() ? "repeat (sharding padding)" : "");
                }
            }
        }
        if (resumeFile != null && !samples.isEmpty()) {
            state = state.at(samples.get(0).epoch(), nextPosition);
            state.write(resumeFile);
        }
    }

    void failed(SampleFailure f) {
        if (report != null) {
            synchronized (this) {
                report.writeRecord(f.id(), "failed", f.stage().toString(), f.reason());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (report != null) {
            try {
                report.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish the report: " + e.getMessage(), e);
            }
        }
    }
}
