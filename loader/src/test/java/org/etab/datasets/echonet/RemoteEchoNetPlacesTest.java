package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.etab.decode.DatasetException;
import org.etab.storage.HttpStoreOptions;
import org.etab.storage.ScriptedServer;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a URL root's FileList.csv is looked for (the root, then {@code data/}, then {@code EchoNet-Dynamic/}, as
 * locally) when the server answers 403 for what it does not have, as S3 does for a missing object in a bucket the
 * caller may not list. Served by {@link ScriptedServer}: no nginx needed.
 */
@Timeout(60)
class RemoteEchoNetPlacesTest {

    @Test
    void anIndexUnderDataIsFoundWhenTheRootAnswers403(@TempDir Path served) throws IOException {
        Path data = Files.createDirectories(served.resolve("data"));
        Path src = PhantomDatasets.echonet();
        Files.copy(src.resolve("FileList.csv"), data.resolve("FileList.csv"));
        Files.copy(src.resolve("VolumeTracings.csv"), data.resolve("VolumeTracings.csv"));
        try (ScriptedServer server = ScriptedServer.serving(served, "403 Forbidden", false);
                RemoteEchoNet remote = RemoteEchoNet.open(
                        URI.create("http://127.0.0.1:" + server.port() + "/"),
                        HttpStoreOptions.builder().build(),
                        true)) {
            assertThat(remote.index().select("all")).hasSize(PhantomDatasets.ECHONET_VIDEOS);
        }
    }

    @Test
    void noIndexAnywhereSaysEachPlacesAnswer(@TempDir Path served) throws IOException {
        try (ScriptedServer server = ScriptedServer.serving(served, "403 Forbidden", false)) {
            String base = "http://127.0.0.1:" + server.port() + "/";
            assertThatThrownBy(() -> RemoteEchoNet.open(
                            URI.create(base), HttpStoreOptions.builder().build(), true))
                    .isInstanceOf(DatasetException.class)
                    .hasMessage(base + "FileList.csv: not found or not allowed (HTTP 403 there, HTTP 403 at " + base
                            + "data/FileList.csv and HTTP 403 at " + base
                            + "EchoNet-Dynamic/FileList.csv; a 403 is a missing object or a refused one)");
        }
    }
}
