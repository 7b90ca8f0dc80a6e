package org.etab.bench.jmh;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etab.datasets.camus.CamusPhantom;
import org.etab.datasets.camus.CamusReader;
import org.etab.datasets.camus.CamusRecord;
import org.etab.datasets.camus.CamusRelease;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.source.DatasetFiles;
import org.etab.source.DirectoryOpener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening the next file of a phantom dataset for a sample, the ways a worker can: {@code checkedOpen} as EchoNet's
 * span read did before {@link DirectoryOpener} (the path checked, then {@link DatasetFiles#open}: resolved and walked
 * from the root), {@code datasetFilesOpen} as CAMUS and TMED-2 did ({@link DatasetFiles#open} alone),
 * {@code directoryOpener} as all three do now (relative to the directory kept open), and {@code plainOpen}, the
 * JDK's open by path with no check (the floor). Files are taken in turn, so no two opens in a
 * row are of the same file.
 *
 * <p>Datasets ({@code dataset} parameter): {@code echonet}, the 50 videos of a phantom EchoNet-Dynamic set, all in
 * {@code Videos/} (the kept directory serves every open after the first); {@code camus}, the 2-chamber ED images of a
 * 25-patient phantom CAMUS set (NIfTI release), each in its own patient directory (nothing kept is ever reused: the
 * opener's cost where it cannot help).
 *
 * <p>Score: time per open and close.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FileOpenBenchmark {
    @State(Scope.Thread)
    public static class FileCycle {
        @Param({"echonet", "camus"})
        public String dataset = "echonet";

        Path root; // a temporary directory, deleted in the teardown
        List<Path> paths;
        DatasetFiles files;
        DirectoryOpener opener;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            if (dataset.equals("camus")) {
                root = Files.createTempDirectory("etab-jmh-camus-");
                new CamusPhantom(new CamusPhantom.Options(25, 42, CamusRelease.NIFTI)).write(root);
                paths = CamusReader.read(root).select("all", "AP2CH").stream()
                        .map(CamusRecord::ed)
                        .toList();
            } else {
                PhantomFixture phantom = PhantomFixture.write(50, 42);
                root = phantom.root();
                paths = phantom.index().select("all").stream()
                        .map(EchoNetRecord::video)
                        .toList();
            }
            files = DatasetFiles.under(root);
            opener = files.newDirectoryOpener();
        }

        Path nextFile() {
            Path path = paths.get(next);
            next = (next + 1) % paths.size();
            return path;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            opener.close();
            PhantomFixture.delete(root);
        }
    }

    @Benchmark
    public long checkedOpen(FileCycle v) throws IOException {
        Path path = v.nextFile();
        v.files.check(path);
        try (SeekableByteChannel ch = v.files.open(path, Long.MAX_VALUE)) {
            return ch.size();
        }
    }

    @Benchmark
    public long datasetFilesOpen(FileCycle v) throws IOException {
        try (SeekableByteChannel ch = v.files.open(v.nextFile(), Long.MAX_VALUE)) {
            return ch.size();
        }
    }

    @Benchmark
    public long directoryOpener(FileCycle v) throws IOException {
        try (SeekableByteChannel ch = v.opener.open(v.nextFile(), Long.MAX_VALUE)) {
            return ch.size();
        }
    }

    @Benchmark
    public long plainOpen(FileCycle v) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(v.nextFile())) {
            return ch.size();
        }
    }
}
