package org.etab.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.etab.decode.DatasetException;
import org.etab.decode.Deadline;
import org.etab.decode.DecodeTimeoutException;
import org.etab.decode.FileOpener;

/**
 * The files a dataset may open: regular files whose real path (every symbolic link resolved) lies under the real
 * path of the dataset root, or of one of the extra roots the user allows ({@link FileAccess#extraRoots()}, for
 * a dataset spread over disks by links), or anywhere when {@link FileAccess#anyLocation()} is set. FIFOs,
 * sockets, devices and directories are refused by type in every case, before anything opens them: opening a FIFO
 * blocks until a writer appears, and reading a device such as {@code /dev/zero} never ends.
 *
 * <p>Every dataset's worker and reader asks {@link #check} before it opens a file and opens the path it returns
 * (the real path), so the check is made once per open, here, for all datasets.
 *
 * <p>Threading: immutable; {@link #check} may run on any thread (it reads file metadata, never a file's bytes).
 */
public final class DatasetFiles {
    // S_IFMT and its kinds (POSIX), to name what was refused
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private final List<Path> roots; // real paths; empty when any location is allowed
    private final Path root; // the dataset root as given, for messages

    private DatasetFiles(Path root, List<Path> roots) {
        this.root = root;
        this.roots = roots;
    }

    /**
     * The files under {@code root} (and the extra roots {@code options} allows, or anywhere when it allows links
     * outside). Resolves the roots now, on the calling thread.
     *
     * @param root    the dataset root, not null
     * @param options where {@link SampleOptions#fileAccess()} comes from
     * @return the check for this dataset's files
     * @throws DatasetException when {@code root} or an extra root does not exist, is not a directory, or cannot be
     *                          resolved
     */
    public static DatasetFiles of(Path root, SampleOptions options) {
        Objects.requireNonNull(root, "root");
        FileAccess access = options.fileAccess();
        if (access.anyLocation()) {
            return new DatasetFiles(root, List.of());
        }
        List<Path> real = new ArrayList<>();
        real.add(realDirectory(root, "dataset root"));
        for (Path extra : access.extraRoots()) {
            real.add(realDirectory(extra, "extra root"));
        }
        return new DatasetFiles(root, List.copyOf(real));
    }

    /**
     * The regular files under {@code root} only: what a dataset opened without options may read.
     *
     * @param root the dataset root, not null
     * @return the check for files under the root
     * @throws DatasetException when {@code root} does not exist, is not a directory, or cannot be resolved
     */
    public static DatasetFiles under(Path root) {
        Objects.requireNonNull(root, "root");
        return new DatasetFiles(root, List.of(realDirectory(root, "dataset root")));
    }

    /**
     * Regular files anywhere: for sources built straight from records (tests, benchmarks), whose root is not
     * known. Types are still checked.
     *
     * @return a check that accepts regular files at any location
     */
    public static DatasetFiles anywhere() {
        return new DatasetFiles(null, List.of());
    }

    /** {@return the dataset root as given, for messages; null for {@link #anywhere()}} */
    public Path root() {
        return root;
    }

    /**
     * The real path of {@code file}, when it may be opened. Open the path returned, not {@code file}, so that a
     * link changed after the check cannot lead elsewhere unchecked.
     *
     * @param file the file the dataset means to open
     * @return its real path, every link resolved
     * @throws DatasetException naming {@code file} when it does not exist, is not a regular file (a FIFO, socket,
     *                          device or directory, named), or its real path lies outside the allowed roots
     */
    public Path check(Path file) {
        return checked(file).real();
    }

    /**
     * Opens {@code file} for reading when it may be opened ({@link #check}), so that it cannot be exchanged between
     * the check and the open: the real path is opened one directory at a time from the allowed root that holds
     * it, never following a link (a directory changed into a link on the way is refused), and the file opened must
     * still be the one checked (same file key) and a regular file. Reads give up once {@code deadlineNanos} passes.
     *
     * <p>What remains: the open itself is a blocking call; a FIFO put in the file's place between the check and the
     * open blocks it (Java has no non-blocking open), and an open on a hung network file system cannot be
     * interrupted. Both need someone who can write into the dataset's directories.
     *
     * @param file          the file the dataset means to read
     * @param deadlineNanos the {@code System.nanoTime()} value after which reads give up ({@code Long.MAX_VALUE}:
     *                      never)
     * @return a channel on the file, owned by the caller, whose reads throw a {@link DecodeTimeoutException} naming
     *         the file once the deadline has passed
     * @throws DatasetException        as {@link #check}, or when the file changed between its check and its open
     * @throws DecodeTimeoutException  when the deadline passed before the open
     */
    public SeekableByteChannel open(Path file, long deadlineNanos) {
        return open(file, deadlineNanos, null);
    }

    /** As {@link #open(Path, long)}; {@code keep}, when not null, is given the directory the file was opened in. */
    SeekableByteChannel open(Path file, long deadlineNanos, DirectoryKeeper keep) {
        checkDeadline(file, deadlineNanos);
        Checked checked = checked(file);
        SeekableByteChannel channel;
        try {
            channel = openChecked(file, checked, keep);
        } catch (IOException | SecurityException e) {
            throw new DatasetException(file, "cannot be opened: " + e, e);
        }
        return withDeadline(file, channel, deadlineNanos);
    }

    /**
     * An opener for one thread that keeps the directory of the file it opened last, so that the next file listed in
     * the same directory opens relative to it (see {@link DirectoryOpener}).
     *
     * @return an opener owned by the caller, who closes it
     */
    public DirectoryOpener newDirectoryOpener() {
        return new DirectoryOpener(this);
    }

    static void checkDeadline(Path file, long deadlineNanos) {
        if (Deadline.passed(deadlineNanos)) {
            throw new DecodeTimeoutException(file, "timed out before it was opened (the sample's deadline passed)");
        }
    }

    static SeekableByteChannel withDeadline(Path file, SeekableByteChannel channel, long deadlineNanos) {
        return deadlineNanos == Deadline.NONE ? channel : new DeadlineChannel(file, channel, deadlineNanos);
    }

    /** Takes the directory a file was opened in, walked from its root without following a link; null: none. */
    @FunctionalInterface
    interface DirectoryKeeper {
        /**
         * Offers the directory in which {@code listedFile}, checked as {@code checked}, was just opened.
         *
         * @return true when the keeper took {@code directory} (and will close it); false leaves it to the walk
         */
        boolean keep(Path listedFile, Checked checked, SecureDirectoryStream<Path> directory);
    }

    /**
     * {@link #open} as an image reader's opener.
     *
     * @param deadlineNanos the {@code System.nanoTime()} value after which reads give up
     * @return an opener for this dataset's files
     */
    public FileOpener opener(long deadlineNanos) {
        return file -> open(file, deadlineNanos);
    }

    /**
     * A text reader of {@code file} (an index file: CSV), opened as {@link #open} opens it, without a deadline; UTF-8,
     * malformed bytes replaced, a leading byte order mark dropped. Refused unread when larger than {@code maxBytes}:
     * what an index holds grows with its rows, so its file's size bounds the memory it takes.
     *
     * @param file     the file the dataset means to read
     * @param maxBytes the most bytes a file of this kind may have (several times the real dataset's)
     * @return a reader owned by the caller
     * @throws DatasetException as {@link #open}, when it is larger than {@code maxBytes}, naming both sizes, or when
     *                          its first bytes cannot be read
     */
    public Reader newReader(Path file, long maxBytes) {
        SeekableByteChannel channel = open(file, Deadline.NONE);
        try {
            long size = channel.size();
            if (size > maxBytes) {
                throw new DatasetException(
                        file,
                        "is " + size + " bytes, more than the " + maxBytes + " an index file of its kind may have");
            }
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new DatasetException(
                    file,
                    "cannot be read: " + Objects.requireNonNullElse(CsvColumns.interruptedReading(e), e.toString()),
                    e);
        }
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        try {
            reader.mark(1);
            if (reader.read() != '\uFEFF') {
                reader.reset();
            }
        } catch (IOException e) {
            try {
                reader.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new DatasetException(
                    file,
                    "cannot be read: " + Objects.requireNonNullElse(CsvColumns.interruptedReading(e), e.toString()),
                    e);
        }
        return reader;
    }

    /** A file that passed the check: its real path and its file key then (null where the platform has none). */
    record Checked(Path real, Object fileKey) {}

    Checked checked(Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new DatasetException(
                    file, Files.isSymbolicLink(file) ? "is a link to a file that does not exist" : "not found");
        } catch (IOException | SecurityException e) {
            throw new DatasetException(file, "cannot be resolved: " + e, e);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | SecurityException e) {
            throw new DatasetException(file, "cannot be read: " + e, e);
        }
        if (!attributes.isRegularFile()) {
            throw new DatasetException(file, "is " + kind(real, attributes) + ", not a regular file: refused unopened");
        }
        if (!roots.isEmpty() && roots.stream().noneMatch(real::startsWith)) {
            throw new DatasetException(
                    file,
                    "resolves to " + real + ", outside the dataset root " + root
                            + (roots.size() > 1 ? " and the extra roots " + roots.subList(1, roots.size()) : "")
                            + ": refused (--allow-links-outside, or the config's extra_roots, allows it)");
        }
        return new Checked(real, attributes.fileKey());
    }

    /**
     * Opens the checked real path from the root that holds it, one directory at a time relative to the one before
     * (openat), links refused. Where that cannot be done (no such directory streams on the platform, any location
     * allowed, or a directory on the way that may be searched but not read), the real path is opened without
     * following a link in its last name; either way the file key is compared with the checked one.
     */
    SeekableByteChannel openChecked(Path file, Checked checked, DirectoryKeeper keep) throws IOException {
        Path real = checked.real();
        Optional<Path> base = roots.stream().filter(real::startsWith).findFirst();
        if (base.isPresent()) {
            try (DirectoryStream<Path> top = Files.newDirectoryStream(base.get())) {
                if (top instanceof SecureDirectoryStream<Path> secure) {
                    return openBelow(file, secure, base.get().relativize(real), checked, keep);
                }
            } catch (AccessDeniedException e) {
                // a directory without read permission cannot be opened, only searched: by path below
            }
        }
        SeekableByteChannel channel = Files.newByteChannel(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        return verified(
                file,
                channel,
                Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS),
                checked.fileKey());
    }

    private static SeekableByteChannel openBelow(
            Path file, SecureDirectoryStream<Path> top, Path relative, Checked checked, DirectoryKeeper keep)
            throws IOException {
        Object fileKey = checked.fileKey();
        SecureDirectoryStream<Path> dir = top;
        try {
            for (int i = 0; i < relative.getNameCount() - 1; i++) {
                SecureDirectoryStream<Path> next;
                try {
                    next = dir.newDirectoryStream(relative.getName(i), LinkOption.NOFOLLOW_LINKS);
                } catch (AccessDeniedException e) {
                    throw e;
                } catch (IOException e) {
                    throw changed(file, e);
                }
                if (dir != top) {
                    dir.close();
                }
                dir = next;
            }
            Path name = relative.getFileName();
            SeekableByteChannel channel;
            try {
                channel = dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            } catch (IOException e) {
                throw changed(file, e);
            }
            BasicFileAttributes now;
            try {
                now = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            } catch (IOException e) {
                channel.close();
                throw changed(file, e);
            }
            SeekableByteChannel opened = verified(file, channel, now, fileKey);
            if (keep != null && dir != top && keep.keep(file, checked, dir)) {
                dir = top; // the keeper's now
            }
            return opened;
        } finally {
            if (dir != top) {
                dir.close();
            }
        }
    }

    /** {@code channel}, when the name opened still names the regular file checked; otherwise closed and refused. */
    private static SeekableByteChannel verified(
            Path file, SeekableByteChannel channel, BasicFileAttributes now, Object fileKey) throws IOException {
        if (!now.isRegularFile() || (fileKey != null && !fileKey.equals(now.fileKey()))) {
            channel.close();
            throw new DatasetException(file, "changed between its check and its open: refused");
        }
        return channel;
    }

    private static DatasetException changed(Path file, IOException e) {
        if (!(e instanceof NoSuchFileException || e instanceof NotDirectoryException || looped(e))) {
            // the file is there as checked: the open failed for another reason (no descriptor left, an I/O error)
            return new DatasetException(file, "cannot be opened: " + e, e);
        }
        return new DatasetException(file, "changed between its check and its open (" + e + "): refused", e);
    }

    /** ELOOP: a link where a directory or the file was (opens here never follow one). */
    private static boolean looped(IOException e) {
        String why = e instanceof FileSystemException f ? f.getReason() : e.getMessage(); // the JDK's: an IOException
        return why != null && why.contains("symbolic link");
    }

    private static Path realDirectory(Path dir, String what) {
        try {
            Path real = dir.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new DatasetException(dir, what + " is not a directory");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new DatasetException(dir, what + " not found");
        } catch (IOException | SecurityException e) {
            throw new DatasetException(dir, what + " cannot be resolved: " + e, e);
        }
    }

    private static String kind(Path real, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        try {
            int type = (Integer) Files.getAttribute(real, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
            switch (type) {
                case S_IFIFO:
                    return "a FIFO (named pipe)";
                case S_IFCHR:
                    return "a character device";
                case S_IFBLK:
                    return "a block device";
                case S_IFSOCK:
                    return "a socket";
                default:
                    break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            // no unix view (Windows): the generic name below
        }
        return "a special file (FIFO, socket or device)";
    }
}
