package org.etab.datasets.echonet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.etab.decode.DatasetException;
import org.etab.source.IndexProblem;
import org.etab.source.SampleOptions;
import org.etab.storage.HttpStore;
import org.etab.storage.HttpStoreOptions;
import org.etab.storage.RemoteException;

/**
 * EchoNet-Dynamic at an HTTP(S) root (a web server, a CDN, an object store with public or presigned objects):
 * the two index files are fetched once (from the root, or from {@code data/} below it) and read by the same
 * {@link EchoNetReader} as local ones; videos are fetched per batch, ahead of decoding, and decoded from memory.
 */
final class RemoteEchoNet implements AutoCloseable {
    private final HttpStore store;
    /** Where the index was read: the records' video paths lie under it (it no longer exists). */
    private final Path indexDir;

    private final EchoNetIndex index;
    private final boolean clipRanges;

    private RemoteEchoNet(HttpStore store, Path indexDir, EchoNetIndex index, boolean clipRanges) {
        this.store = store;
        this.indexDir = indexDir;
        this.index = index;
        this.clipRanges = clipRanges;
    }

    /**
     * Fetches the index at {@code root}; videos are fetched whole the first time, then (without a disk cache) only
     * the bytes of each clip. The caller closes the result when the run is over.
     *
     * @param root    the {@code http} or {@code https} URL of the dataset (FileList.csv at it or under {@code data/})
     * @param options the store's options; with a disk cache, videos are always fetched whole
     * @return the opened dataset, owned by the caller
     * @throws IllegalArgumentException when {@code root} is not an http(s) URL with a host
     * @throws org.etab.storage.RemoteException when an index file cannot be fetched (at the root nor under
     *                                          {@code data/}), naming the URL
     * @throws org.etab.decode.DatasetException when an index file lacks a required column or is empty, naming its URL
     * @throws java.io.UncheckedIOException when the local copy of the index cannot be written
     */
    public static RemoteEchoNet open(URI root, HttpStoreOptions options) {
        return open(root, options, options.cacheDir() == null);
    }

    /**
     * As {@link #open(URI, HttpStoreOptions)}, choosing whether clips are fetched as byte ranges once a video's
     * layout is known ({@code clipRanges}), or every video whole every time (what a disk cache needs to fill).
     *
     * @param root       the {@code http} or {@code https} URL of the dataset
     * @param options    the store's options
     * @param clipRanges true to fetch clips as byte ranges once a video's layout is known
     * @return the opened dataset, owned by the caller
     * @throws IllegalArgumentException when {@code root} is not an http(s) URL with a host
     * @throws org.etab.storage.RemoteException when an index file cannot be fetched, naming the URL
     * @throws org.etab.decode.DatasetException when an index file lacks a required column or is empty, naming its URL
     * @throws java.io.UncheckedIOException when the local copy of the index cannot be written
     */
    public static RemoteEchoNet open(URI root, HttpStoreOptions options, boolean clipRanges) {
        HttpStore store = HttpStore.open(root, options);
        Path dir = null;
        try {
            String prefix = null;
            ByteBuffer fileList = null;
            List<RemoteException> notFound = new ArrayList<>();
            for (String place : EchoNetReader.PLACES) { // as locally: the root, ETAB's data/, the archive's folder
                try {
                    // bounded as a local index is, before its body is read
                    fileList = store.read(place + EchoNetReader.FILE_LIST, EchoNetReader.MAX_FILE_LIST_BYTES);
                    prefix = place;
                    break;
                } catch (RemoteException e) {
                    // 403: S3 and its kin answer so for a missing object when the caller may not list the bucket
                    if (e.status() != 404 && e.status() != 403) {
                        throw e; // the server failed, not the layout: other places would only repeat the attempts
                    }
                    notFound.add(e);
                }
            }
            if (fileList == null) {
                throw new DatasetException(
                        store.displayUrl(EchoNetReader.FILE_LIST), notFound(store, notFound), notFound.get(0));
            }
            ByteBuffer tracings = store.read(prefix + EchoNetReader.TRACINGS, EchoNetReader.MAX_TRACINGS_BYTES);
            // the readers take files: a copy that lasts only while they read it (deleted below, not at close), so
            // that a run stopped by a signal, whose close never runs, leaves no index behind in the temp directory
            dir = Files.createTempDirectory("etab-echonet-index-");
            Path local = Files.createDirectories(dir.resolve(prefix.isEmpty() ? "." : prefix))
                    .normalize();
            write(local.resolve(EchoNetReader.FILE_LIST), fileList);
            write(local.resolve(EchoNetReader.TRACINGS), tracings);
            return new RemoteEchoNet(store, dir, readIndex(store, dir), clipRanges);
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException(
                    "cannot keep the index of " + RemoteException.redact(root) + " in a temporary folder: " + e, e);
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Reads the local copy of the index; a file it refuses is named by its URL, not by the temporary copy (which is
     * deleted once read).
     */
    private static EchoNetIndex readIndex(HttpStore store, Path dir) {
        try {
            return EchoNetReader.read(dir);
        } catch (DatasetException e) {
            Path file = e.file();
            if (file == null || !file.startsWith(dir) || !e.getMessage().startsWith(file + ": ")) {
                throw e;
            }
            String url = store.displayUrl(dir.relativize(file).toString().replace('\\', '/'));
            throw new DatasetException(
                    url, e.getMessage().substring(file.toString().length() + 2), e.getCause());
        }
    }

    /** {@return the index, with the videos' paths standing for their objects' paths under the root} */
    public EchoNetIndex index() {
        return index;
    }

    /** {@return the index's problems: {@code index().problems()}} */
    public List<IndexProblem> problems() {
        return index.problems();
    }

    /**
     * A source over some of this index's records, fetching their videos from the store.
     *
     * @param records records of {@link #index()}, e.g. {@code index().select("train")}
     * @param options the sample options
     * @return a source that reads through this dataset's store; valid until {@link #close()}
     * @throws IllegalArgumentException as {@link EchoNetSource#EchoNetSource(List, SampleOptions)}
     */
    public EchoNetSource source(List<EchoNetRecord> records, SampleOptions options) {
        return source(records, List.of(), options);
    }

    /**
     * As above, with the rows of the selection the index rejected ({@link EchoNetIndex#rejected(String)}).
     *
     * @param records  records of {@link #index()}
     * @param rejected the selection's rows the index left out, reported as failed samples
     * @param options  the sample options
     * @return a source that reads through this dataset's store; valid until {@link #close()}
     * @throws IllegalArgumentException as {@link EchoNetSource#EchoNetSource(List, SampleOptions)}
     */
    public EchoNetSource source(List<EchoNetRecord> records, List<IndexProblem> rejected, SampleOptions options) {
        // video paths are relative to the local mirror of the root (data/ included when the root has it)
        return new EchoNetSource(records, rejected, options, new RemoteVideos(store, indexDir, clipRanges));
    }

    /** Closes the store (the local copy of the index was deleted once read). */
    @Override
    public void close() {
        store.close();
    }

    /** Why no place had FileList.csv: each place's status, in the order they were asked. */
    private static String notFound(HttpStore store, List<RemoteException> answers) {
        List<String> places = EchoNetReader.PLACES;
        if (answers.stream().allMatch(e -> e.status() == 404)) {
            return "not found (HTTP 404 there, at " + store.displayUrl(places.get(1) + EchoNetReader.FILE_LIST)
                    + " and at " + store.displayUrl(places.get(2) + EchoNetReader.FILE_LIST) + ")";
        }
        StringBuilder why = new StringBuilder("not found or not allowed (HTTP ")
                .append(answers.get(0).status());
        why.append(" there");
        for (int i = 1; i < answers.size(); i++) {
            why.append(i == answers.size() - 1 ? " and HTTP " : ", HTTP ")
                    .append(answers.get(i).status())
                    .append(" at ")
                    .append(store.displayUrl(places.get(i) + EchoNetReader.FILE_LIST));
        }
        // S3 answers 403 both for a missing object (when the bucket may not be listed) and for a refused one
        return why.append("; a 403 is a missing object or a refused one)").toString();
    }

    private static void write(Path file, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = bytes.duplicate();
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
