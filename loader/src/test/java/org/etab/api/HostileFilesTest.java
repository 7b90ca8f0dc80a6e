package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.datasets.camus.CamusRelease;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.RunAccount;
import org.etab.sampling.ClipStart;
import org.etab.source.FileAccess;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.etab.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dataset files that are links leading out of the root, or FIFOs, on phantoms of the three datasets opened the way
 * users open them ({@link Datasets#open}): each such sample is a failed sample naming why, the run completes and
 * accounts for every sample, and the file outside is not delivered; allowing links outside (or the directory as an
 * extra root) loads the same dataset whole.
 */
class HostileFilesTest {
    @TempDir
    Path tmp;

    /** Moves {@code file} to a directory outside the root and leaves a link to it in its place. */
    private Path linkOutside(Path file) throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path secret = outside.resolve("secret-" + file.getFileName());
        Files.move(file, secret);
        Files.createSymbolicLink(file, secret);
        return secret;
    }

    private static void fifo(Path file) throws Exception {
        Files.delete(file);
        assertThat(new ProcessBuilder("mkfifo", file.toString()).start().waitFor())
                .isZero();
    }

    /** Delivered ids, and failures by id, of one epoch through the pipeline (skip policy). */
    private record Run(List<String> delivered, Map<String, SampleFailure> failed, RunAccount account) {}

    private static Run run(String dataset, Path root, String view, SampleOptions options) {
        return run(dataset, root, view, options, PipelineOptions.DEFAULT_TIMEOUT);
    }

    private static Run run(String dataset, Path root, String view, SampleOptions options, Duration sampleTimeout) {
        List<String> delivered = new ArrayList<>();
        Map<String, SampleFailure> failed = new TreeMap<>();
        try (OpenedDataset d = Datasets.open(dataset, root, "all", view, 0, options);
                Pipeline p = new Pipeline(
                        d.source(),
                        PipelineOptions.builder()
                                .batchSize(4)
                                .threads(2)
                                .prefetch(1)
                                .sampleTimeout(sampleTimeout)
                                .build());
                BatchIterator<Batch> batches = p.iterate(0)) {
            while (batches.hasNext()) {
                try (Batch b = batches.next()) {
                    b.samples().stream().map(SampleInfo::id).forEach(delivered::add);
                }
            }
            p.account().failures().forEach(f -> failed.put(f.id(), f));
            assertThat(p.account().planned())
                    .isEqualTo(p.account().delivered() + p.account().failed());
            return new Run(delivered, failed, p.account());
        }
    }

    private static SampleOptions.Builder stills(Target target) {
        return SampleOptions.builder()
                .target(target)
                .video(false)
                .frameSize(32, 32)
                .channels(1)
                .dtype(DType.UINT8)
                .normalize(false);
    }

    @Test
    void echoNetVideosLinkedOutsideOrFifosFailTheirSamplesAndTheRunCompletes() throws Exception {
        Path root = Trees.copy(PhantomDatasets.echonet(), tmp.resolve("echonet"));
        List<Path> videos;
        try (var s = Files.list(root.resolve("Videos"))) {
            videos = s.sorted().toList();
        }
        Path linked = videos.get(0);
        Path piped = videos.get(1);
        linkOutside(linked);
        fifo(piped);
        SampleOptions options = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(4)
                .clipStart(ClipStart.FIRST)
                .frameSize(32, 32)
                .channels(1)
                .dtype(DType.UINT8)
                .normalize(false)
                .build();

        Run strict = run("echonet", root, null, options);
        String linkedId = name(linked);
        String pipedId = name(piped);
        assertThat(strict.failed()).containsOnlyKeys(linkedId, pipedId);
        assertThat(strict.failed().get(linkedId).stage()).isEqualTo(Stage.DECODE);
        assertThat(strict.failed().get(linkedId).reason())
                .startsWith(linked + ": resolves to ")
                .contains("secret-", "outside the dataset root " + root, "--allow-links-outside");
        assertThat(strict.failed().get(pipedId).reason())
                .isEqualTo(piped + ": is a FIFO (named pipe), not a regular file: refused unopened");
        assertThat(strict.delivered()).hasSize(videos.size() - 2).doesNotContain(linkedId, pipedId);

        Run allowed = run(
                "echonet",
                root,
                null,
                options.toBuilder().fileAccess(FileAccess.anywhere()).build());
        assertThat(allowed.delivered()).contains(linkedId).doesNotContain(pipedId);
        assertThat(allowed.failed()).containsOnlyKeys(pipedId); // a FIFO is refused whatever is allowed

        Run extraRoot = run(
                "echonet",
                root,
                null,
                options.toBuilder()
                        .fileAccess(FileAccess.underRootOr(List.of(tmp.resolve("outside"))))
                        .build());
        assertThat(extraRoot.delivered()).contains(linkedId);
        assertThat(extraRoot.failed()).containsOnlyKeys(pipedId);
    }

    @Test
    void anEdTracingOfManyZigzagChordsTimesOutAtTheSampleTimeoutNotLongAfter() throws Exception {
        Path root = Trees.copy(PhantomDatasets.echonet(), tmp.resolve("echonet"));
        EchoNetRecord victim = EchoNetReader.read(root).records().get(0);
        // chords appended to the video's last traced frame (its ED tracing), each crossing the whole frame so that
        // every row of the mask meets every edge: ~15 MB of VolumeTracings.csv, ~25 s of rasterizing a sample
        int chords = 400_000;
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < chords; i++) {
            boolean odd = i % 2 == 1;
            rows.append(victim.id())
                    .append(".avi,")
                    .append(i % 112)
                    .append(',')
                    .append(odd ? 0 : 111)
                    .append(',')
                    .append(i * 7 % 112)
                    .append(',')
                    .append(odd ? 111 : 0)
                    .append(',')
                    .append(victim.ed().frame())
                    .append('\n');
        }
        Files.writeString(root.resolve(EchoNetReader.TRACINGS), rows, StandardOpenOption.APPEND);

        long start = System.nanoTime();
        Run r = run("echonet", root, null, stills(Target.LV_SEG).build(), Duration.ofSeconds(1));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        assertThat(r.failed()).containsOnlyKeys(victim.id());
        SampleFailure f = r.failed().get(victim.id());
        assertThat(f.stage()).isEqualTo(Stage.TIMEOUT);
        assertThat(f.reason())
                .isEqualTo(victim.id() + ": timed out rasterizing the LV mask of the ED tracing (frame "
                        + victim.ed().frame() + ", " + (victim.ed().rows() - 1 + chords) + " chords in "
                        + EchoNetReader.TRACINGS + ") at 112x112 (the sample's deadline passed)");
        assertThat(r.account().planned()).isEqualTo(r.account().delivered() + 1);
        assertThat(seconds).as("the run, with a 1 s sample timeout").isLessThan(12);
    }

    @Test
    void aCamusElementDataFileLinkedOutsideFailsItsSampleUnreadUnlessAllowed() throws Exception {
        Path root = Trees.copy(CamusPhantoms.camus(CamusRelease.MHD), tmp.resolve("camus"));
        List<Path> edHeaders;
        try (var s = Files.walk(root)) {
            edHeaders = s.filter(p -> p.getFileName().toString().endsWith("_4CH_ED.mhd"))
                    .sorted()
                    .toList();
        }
        Path header = edHeaders.get(0);
        Path data = dataFile(header);
        Path secret = linkOutside(data); // the header stays inside the root; its data file leads out
        String id = header.getFileName().toString().replace("_ED.mhd", "");
        Path piped = dataFile(edHeaders.get(1));
        fifo(piped);
        String pipedId = edHeaders.get(1).getFileName().toString().replace("_ED.mhd", "");
        SampleOptions options = stills(Target.EF).build();

        Run strict = run("camus", root, "AP4CH", options);
        assertThat(strict.failed()).containsOnlyKeys(id, pipedId);
        assertThat(strict.failed().get(id).reason())
                .startsWith(data + ": resolves to " + secret.toRealPath())
                .contains("outside the dataset root");
        assertThat(strict.failed().get(pipedId).reason())
                .isEqualTo(piped
                        + ": is a FIFO (named pipe), not a regular file: refused unopened (the ElementDataFile of "
                        + edHeaders.get(1) + ")");
        assertThat(strict.delivered()).hasSize(edHeaders.size() - 2).doesNotContain(id, pipedId);

        Run allowed = run(
                "camus",
                root,
                "AP4CH",
                options.toBuilder().fileAccess(FileAccess.anywhere()).build());
        assertThat(allowed.delivered()).contains(id);
        assertThat(allowed.failed()).containsOnlyKeys(pipedId);
    }

    @Test
    void aCamusCfgLinkedOutsideLeavesItsViewOutReportedUnlessAllowed() throws Exception {
        Path root = Trees.copy(CamusPhantoms.camus(CamusRelease.MHD), tmp.resolve("camus"));
        Path cfg;
        try (var s = Files.walk(root.resolve("training"))) {
            cfg = s.filter(p -> p.getFileName().toString().equals("Info_4CH.cfg"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        linkOutside(cfg);
        String id = cfg.getParent().getFileName() + "_4CH";
        SampleOptions options = stills(Target.EF).build();
        try (OpenedDataset d = Datasets.open("camus", root, "all", "AP4CH", 0, options)) {
            assertThat(d.problems())
                    .filteredOn(p -> p.id().equals(id))
                    .singleElement()
                    .satisfies(p -> assertThat(p.reason()).contains("outside the dataset root", "view left out"));
        }
        try (OpenedDataset d = Datasets.open(
                "camus",
                root,
                "all",
                "AP4CH",
                0,
                options.toBuilder().fileAccess(FileAccess.anywhere()).build())) {
            assertThat(d.problems()).noneMatch(p -> p.id().equals(id));
        }
    }

    /** The data file a MetaImage header names. */
    private static Path dataFile(Path header) throws IOException {
        String name = Files.readAllLines(header).stream()
                .filter(l -> l.startsWith("ElementDataFile"))
                .map(l -> l.substring(l.indexOf('=') + 1).trim())
                .findFirst()
                .orElseThrow();
        return header.resolveSibling(name);
    }

    @Test
    void tmedImagesLinkedOutsideOrFifosFailTheirSamplesAndTheRunCompletes() throws Exception {
        Path root = Trees.copy(TmedPhantoms.tmed(), tmp.resolve("tmed"));
        List<Path> images;
        try (var s = Files.walk(root)) {
            images = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        SampleOptions options = stills(Target.VIEW).build();
        Run before = run("tmed", root, "all", options);
        assertThat(before.failed()).isEmpty();
        List<String> ids = before.delivered();
        Path linked = image(images, ids.get(0));
        Path piped = image(images, ids.get(1));
        linkOutside(linked);
        fifo(piped);

        Run strict = run("tmed", root, "all", options);
        assertThat(strict.failed()).containsOnlyKeys(ids.get(0), ids.get(1));
        assertThat(strict.failed().get(ids.get(0)).reason())
                .startsWith(linked + ": resolves to ")
                .contains("outside the dataset root");
        assertThat(strict.failed().get(ids.get(1)).reason())
                .isEqualTo(piped + ": is a FIFO (named pipe), not a regular file: refused unopened");
        assertThat(strict.delivered()).hasSize(ids.size() - 2);

        Run allowed = run(
                "tmed",
                root,
                "all",
                options.toBuilder().fileAccess(FileAccess.anywhere()).build());
        assertThat(allowed.failed()).containsOnlyKeys(ids.get(1));
        assertThat(allowed.delivered()).contains(ids.get(0));
    }

    @Test
    void anIndexFileLinkedOutsideRefusesTheDatasetNamingIt() throws Exception {
        Path root = Trees.copy(TmedPhantoms.tmed(), tmp.resolve("tmed"));
        linkOutside(root.resolve("labels_per_image.csv"));
        SampleOptions options = stills(Target.VIEW).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Datasets.open("tmed", root, "all", "all", 0, options))
                .hasMessageStartingWith(root.resolve("labels_per_image.csv") + ": resolves to ")
                .hasMessageContaining("outside the dataset root");
        try (OpenedDataset d = Datasets.open(
                "tmed",
                root,
                "all",
                "all",
                0,
                options.toBuilder().fileAccess(FileAccess.anywhere()).build())) {
            assertThat(d.records()).isPositive();
        }
    }

    private static String name(Path video) {
        String n = video.getFileName().toString();
        return n.substring(0, n.length() - ".avi".length());
    }

    private static Path image(List<Path> images, String id) {
        UnaryOperator<String> base = n -> n.substring(0, n.length() - ".png".length());
        return images.stream()
                .filter(p -> base.apply(p.getFileName().toString()).equals(id)
                        || p.getFileName().toString().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError(id));
    }
}
