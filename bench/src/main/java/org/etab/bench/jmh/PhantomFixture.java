package org.etab.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avutil;
import org.etab.datasets.echonet.EchoNetIndex;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.decode.VideoDecoder;

/**
 * A small phantom EchoNet-Dynamic set (112x112 MJPEG AVIs, mostly 50 fps, 80-220 frames, 21-row tracings) written
 * into a fresh temporary directory for one benchmark trial, and deleted after it.
 */
final class PhantomFixture implements AutoCloseable {
    private final Path root;
    private final EchoNetIndex index;

    private PhantomFixture(Path root, EchoNetIndex index) {
        this.root = root;
        this.index = index;
    }

    /** Writes {@code videos} phantom videos from {@code seed} (the content is a pure function of both). */
    static PhantomFixture write(int videos, long seed) {
        Path dir;
        try {
            dir = Files.createTempDirectory("etab-jmh-phantom-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // the encoder's per-file chatter would end up in the JMH output
            VideoDecoder.setLogLevel(avutil.AV_LOG_QUIET);
            new EchoNetPhantom(EchoNetPhantom.Options.builder()
                            .videos(videos)
                            .seed(seed)
                            .build())
                    .write(dir);
            VideoDecoder.setLogLevel(avutil.AV_LOG_QUIET);
            return new PhantomFixture(dir, EchoNetReader.read(dir));
        } catch (IOException | RuntimeException e) {
            delete(dir);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    Path root() {
        return root;
    }

    EchoNetIndex index() {
        return index;
    }

    /** Deletes the directory and everything in it. */
    @Override
    public void close() {
        delete(root);
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
