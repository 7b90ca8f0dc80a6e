package org.etab.source;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import org.etab.decode.DatasetException;

/**
 * Opens a dataset's files as {@link DatasetFiles#open} does, for one thread that opens many files of one directory
 * (EchoNet's {@code Videos/}): it keeps open the directory the last file was opened in, reached from the root
 * without following a link, and opens the next file listed in the same directory relative to it: its type read
 * without following a link (a FIFO, device or link found there is not opened; one swapped in during the instant
 * before the open is, as {@link DatasetFiles#open} says of its own), opened without following one, and its
 * identity compared before and after. That is three system calls where {@link DatasetFiles#open} resolves the path
 * and walks from the root on every call. Whatever does not take that way (another directory, a name that is a link,
 * a file missing, special or replaced while opened) goes through {@link DatasetFiles#open}, which opens or refuses
 * it and reports why in its own words.
 *
 * <p>What the kept directory trades: it stays the directory that was reached from the root when it was opened. A
 * directory moved out from under the root during the run is still read from, as an open file would be; doing that
 * takes write access to the dataset's directories, as does every case {@link DatasetFiles#open} leaves open.
 *
 * <p>Threading: not thread-safe; one per thread. Closing it closes the kept directory.
 */
public final class DirectoryOpener implements AutoCloseable {
    private static final Set<OpenOption> READ_NO_LINK = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    private final DatasetFiles files;
    private final DatasetFiles.DirectoryKeeper keeper = this::keep;
    private Path listedDirectory; // the parent, as listed, of the files the kept directory holds
    private SecureDirectoryStream<Path> kept;
    private long openedInKept;

    DirectoryOpener(DatasetFiles files) {
        this.files = files;
    }

    /**
     * Opens {@code file} for reading, as {@link DatasetFiles#open(Path, long)} does.
     *
     * @param file          the file the dataset means to read
     * @param deadlineNanos the {@code System.nanoTime()} value after which reads give up ({@code Long.MAX_VALUE}:
     *                      never)
     * @return a channel on the file, owned by the caller
     * @throws DatasetException as {@link DatasetFiles#open(Path, long)}
     * @throws org.etab.decode.DecodeTimeoutException when the deadline passed before the open
     */
    public SeekableByteChannel open(Path file, long deadlineNanos) {
        DatasetFiles.checkDeadline(file, deadlineNanos);
        SeekableByteChannel channel = kept != null && listedDirectory.equals(file.getParent()) ? inKept(file) : null;
        if (channel == null) {
            return files.open(file, deadlineNanos, keeper);
        }
        openedInKept++;
        return DatasetFiles.withDeadline(file, channel, deadlineNanos);
    }

    /** The file opened in the kept directory, or null when it is not a regular file there now. */
    private SeekableByteChannel inKept(Path file) {
        Path name = file.getFileName();
        try {
            BasicFileAttributes before = attributes(name);
            if (!before.isRegularFile() || before.fileKey() == null) {
                return null;
            }
            SeekableByteChannel channel = kept.newByteChannel(name, READ_NO_LINK);
            BasicFileAttributes after;
            try {
                after = attributes(name);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (!after.isRegularFile() || !before.fileKey().equals(after.fileKey())) {
                channel.close();
                return null;
            }
            return channel;
        } catch (IOException | SecurityException e) {
            return null; // missing, unreadable or changed: the full open says which
        }
    }

    private BasicFileAttributes attributes(Path name) throws IOException {
        return kept.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
    }

    /**
     * Takes the directory a full open walked to, when the file listed is not itself a link: then its directory as
     * listed resolves to this one, and every name listed beside it is found here. A file listed by its real path
     * has no link in it; any other is asked without following its last name.
     */
    private boolean keep(Path listedFile, DatasetFiles.Checked checked, SecureDirectoryStream<Path> directory) {
        Object fileKey = checked.fileKey();
        if (fileKey == null) {
            return false;
        }
        if (!listedFile.equals(checked.real())) {
            try {
                BasicFileAttributes listed =
                        Files.readAttributes(listedFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!listed.isRegularFile() || !fileKey.equals(listed.fileKey())) {
                    return false;
                }
            } catch (IOException | SecurityException e) {
                return false;
            }
        }
        closeKept();
        kept = directory;
        listedDirectory = listedFile.getParent();
        return true;
    }

    /** How many files were opened in the kept directory (the rest took {@link DatasetFiles#open}). */
    long openedInKept() {
        return openedInKept;
    }

    /** Closes the kept directory. Idempotent. */
    @Override
    public void close() {
        closeKept();
    }

    private void closeKept() {
        if (kept != null) {
            try {
                kept.close();
            } catch (IOException e) {
                // a directory opened for reading closes without losing anything
            }
            kept = null;
            listedDirectory = null;
        }
    }
}
