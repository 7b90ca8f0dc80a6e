package org.etab.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.etab.decode.DatasetException;

/**
 * The files a dataset may open: regular files whose real path (every symbolic link resolved) lies under the real
 * path of the dataset root, or of one of the extra roots the user allows ({@link SampleOptions#extraRoots()}, for
 * a dataset spread over disks by links), or anywhere when {@link SampleOptions#allowLinksOutside()} is set. FIFOs,
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
     * @param options where {@link SampleOptions#extraRoots()} and {@link SampleOptions#allowLinksOutside()} come from
     * @return the check for this dataset's files
     * @throws DatasetException when {@code root} or an extra root does not exist, is not a directory, or cannot be
     *                          resolved
     */
    public static DatasetFiles of(Path root, SampleOptions options) {
        Objects.requireNonNull(root, "root");
        if (options.allowLinksOutside()) {
            return new DatasetFiles(root, List.of());
        }
        List<Path> real = new ArrayList<>();
        real.add(realDirectory(root, "dataset root"));
        for (Path extra : options.extraRoots()) {
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
        return real;
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
