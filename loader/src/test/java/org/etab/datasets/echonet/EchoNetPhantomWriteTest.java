package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.etab.synth.PhantomFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** write(): determinism, the directory guard, progress and the summary. Small datasets (2-3 videos). */
class EchoNetPhantomWriteTest {

    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesByteIdenticalFilesWhateverTheThreadCount() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        new EchoNetPhantom(EchoNetPhantom.Options.builder()
                        .videos(3)
                        .seed(99)
                        .threads(1)
                        .build())
                .write(a);
        new EchoNetPhantom(EchoNetPhantom.Options.builder()
                        .videos(3)
                        .seed(99)
                        .threads(3)
                        .build())
                .write(b);
        Map<String, byte[]> filesA = contents(a);
        Map<String, byte[]> filesB = contents(b);
        assertThat(filesA.keySet()).hasSize(3 + 3).isEqualTo(filesB.keySet());
        filesA.forEach((name, bytes) -> assertThat(filesB.get(name)).as(name).isEqualTo(bytes));
    }

    @Test
    void anotherSeedGivesOtherNamesAndOtherPixels() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(2).seed(1).build()).write(a);
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(2).seed(2).build()).write(b);
        List<String> namesA =
                PhantomFiles.fileList(a).stream().map(PhantomFiles.Row::name).toList();
        List<String> namesB =
                PhantomFiles.fileList(b).stream().map(PhantomFiles.Row::name).toList();
        assertThat(namesA).doesNotContainAnyElementsOf(namesB);
        byte[] videoA = Files.readAllBytes(a.resolve("Videos").resolve(namesA.get(0) + ".avi"));
        byte[] videoB = Files.readAllBytes(b.resolve("Videos").resolve(namesB.get(0) + ".avi"));
        assertThat(videoA).isNotEqualTo(videoB);
    }

    @Test
    void refusesANonEmptyDirectoryThatIsNotAPhantom() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("EchoNet-Dynamic"));
        Files.writeString(real.resolve("FileList.csv"), "FileName,EF\n");
        EchoNetPhantom phantom = new EchoNetPhantom(
                EchoNetPhantom.Options.builder().videos(1).seed(1).build());
        assertThatThrownBy(() -> phantom.write(real))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("non-empty directory")
                .hasMessageContaining(EchoNetPhantom.MARKER);
        assertThat(Files.readString(real.resolve("FileList.csv"))).isEqualTo("FileName,EF\n");
        assertThat(real.resolve("Videos")).doesNotExist();
        assertThatThrownBy(() -> phantom.write(real.resolve("FileList.csv")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a directory");
    }

    @Test
    void rewritesAnEarlierPhantomWithoutLeavingStaleVideos() throws IOException {
        Path out = tmp.resolve("phantom");
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(3).seed(5).build()).write(out);
        Files.writeString(out.resolve("README.txt"), "mine");
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(2).seed(6).build()).write(out);
        List<String> names =
                PhantomFiles.fileList(out).stream().map(r -> r.name() + ".avi").toList();
        try (Stream<Path> videos = Files.list(out.resolve("Videos"))) {
            assertThat(videos.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(names);
        }
        assertThat(names).hasSize(2);
        assertThat(out.resolve("README.txt")).hasContent("mine"); // only the phantom's own files go
    }

    @Test
    void reportsProgressOncePerVideoAndSumsUpWhatItWrote() throws IOException {
        Path out = tmp.resolve("phantom");
        List<Integer> seen = new ArrayList<>();
        EchoNetPhantom.Summary summary = new EchoNetPhantom(EchoNetPhantom.Options.builder()
                        .videos(3)
                        .seed(8)
                        .threads(2)
                        .build())
                .write(out, seen::add); // not synchronised: write() promises calls never overlap
        assertThat(seen).containsExactly(1, 2, 3);
        assertThat(summary.root()).isEqualTo(out);
        assertThat(summary.videos()).isEqualTo(3);
        assertThat(summary.frames())
                .isEqualTo(PhantomFiles.fileList(out).stream()
                        .mapToLong(PhantomFiles.Row::frames)
                        .sum());
        long bytes = 0;
        for (byte[] b : contents(out).values()) {
            bytes += b.length;
        }
        assertThat(summary.bytes()).isEqualTo(bytes);
    }

    @Test
    void aFailedRunLeavesAMarkedDirectoryThatARerunReplaces() throws IOException {
        Path out = tmp.resolve("phantom");
        EchoNetPhantom phantom = new EchoNetPhantom(
                EchoNetPhantom.Options.builder().videos(3).seed(9).threads(2).build());
        assertThatThrownBy(() -> phantom.write(out, done -> {
                    throw new IllegalStateException("stop after video " + done);
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("stop after video");
        assertThat(out.resolve(EchoNetPhantom.MARKER)).exists();
        assertThat(out.resolve("FileList.csv")).doesNotExist();
        EchoNetPhantom.Summary summary = phantom.write(out);
        assertThat(summary.videos()).isEqualTo(3);
        assertThat(PhantomFiles.fileList(out)).hasSize(3);
    }

    @Test
    void qscaleIsHonoured() throws IOException {
        Path fine = tmp.resolve("fine");
        Path coarse = tmp.resolve("coarse");
        new EchoNetPhantom(EchoNetPhantom.Options.builder()
                        .videos(1)
                        .seed(4)
                        .qscale(2)
                        .build())
                .write(fine);
        new EchoNetPhantom(EchoNetPhantom.Options.builder()
                        .videos(1)
                        .seed(4)
                        .qscale(12)
                        .build())
                .write(coarse);
        String name = PhantomFiles.fileList(fine).get(0).name() + ".avi";
        assertThat(Files.size(coarse.resolve("Videos").resolve(name)))
                .isLessThan(Files.size(fine.resolve("Videos").resolve(name)) / 2);
    }

    @Test
    void optionsNameTheBadValue() {
        assertThatThrownBy(
                        () -> EchoNetPhantom.Options.builder().videos(0).seed(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("videos in 1..100000 required but was 0");
        assertThatThrownBy(() -> EchoNetPhantom.Options.builder()
                        .videos(Integer.MAX_VALUE)
                        .seed(1)
                        .build())
                .hasMessage("videos in 1..100000 required but was 2147483647");
        assertThatThrownBy(() -> EchoNetPhantom.Options.builder()
                        .videos(1)
                        .seed(1)
                        .threads(0)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads >= 1 required but was 0");
        assertThatThrownBy(() -> EchoNetPhantom.Options.builder()
                        .videos(1)
                        .seed(1)
                        .qscale(0.5)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("qscale in [1, 31] required but was 0.5");
    }

    /** Relative path to bytes, every regular file under root (the marker included). */
    private static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
