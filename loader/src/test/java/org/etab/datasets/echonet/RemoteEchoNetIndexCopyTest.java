package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.etab.storage.HttpStoreOptions;
import org.etab.storage.ScriptedServer;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local copy of a remote index (the readers take files) lasts only while it is read: a run stopped by SIGTERM
 * or SIGINT, whose {@code close()} never runs, must not leave it in the temporary directory, one per run (about 30 MB
 * for the real dataset's two CSVs). Served by {@link ScriptedServer}: no nginx needed.
 */
@Timeout(60)
class RemoteEchoNetIndexCopyTest {
    private static final HttpStoreOptions STORE = HttpStoreOptions.builder().build();

    @Test
    void noCopyOfTheIndexIsLeftOnDiskOnceTheDatasetIsOpen(@TempDir Path served) throws IOException {
        Path src = PhantomDatasets.echonet();
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, served.resolve(f.getFileName()));
                }
            }
        }
        try (ScriptedServer server = ScriptedServer.serving(served, "404 Not Found", false);
                RemoteEchoNet remote = RemoteEchoNet.open(
                        URI.create("http://127.0.0.1:" + server.port() + "/"),
                        HttpStoreOptions.builder().build())) {
            assertThat(remote.index().records())
                    .hasSize(EchoNetReader.read(src).records().size());
            assertThat(remote.index().root()).doesNotExist();
        }
    }

    /** Read from its local copy, a remote index reports the problems the same files give when read locally. */
    @Test
    void theCopysProblemsAreTheServedFilesOwn(@TempDir Path served) throws IOException {
        Path src = PhantomDatasets.echonet();
        Files.copy(src.resolve("VolumeTracings.csv"), served.resolve("VolumeTracings.csv"));
        List<String> list = new ArrayList<>(Files.readAllLines(src.resolve("FileList.csv")));
        list.add("UNTRACED,55,1,2,112,112,50,120,TRAIN"); // no tracings: a problem
        Files.write(served.resolve("FileList.csv"), list);
        try (ScriptedServer server = ScriptedServer.serving(served, "404 Not Found", false);
                RemoteEchoNet remote =
                        RemoteEchoNet.open(URI.create("http://127.0.0.1:" + server.port() + "/"), STORE, true)) {
            assertThat(remote.problems())
                    .isNotEmpty()
                    .isEqualTo(EchoNetReader.read(served).problems());
        }
    }
}
