package org.etab.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * One export at a time into one {@code --out}: an export holds an exclusive lock on {@code <out>/}{@value #NAME} from
 * before it writes anything (report, manifest, resume repair) until it has ended, and deletes that file then. A second
 * export into the folder meanwhile is refused in one line: two of them truncated each other's manifest, and their
 * {@code .npy.tmp} files (one name per sample) could move the other's half-written array under a final name.
 *
 * <p>The lock is the kernel's ({@link FileChannel#tryLock()}), so a process that dies leaves no lock behind, only the
 * file, which the next export into the folder takes over and deletes. The holder deletes the file while it holds the
 * lock, so a waiting process may lock a file that no longer has the name: {@link #take} only counts a lock on the
 * file the name still holds.
 */
final class ExportLock implements AutoCloseable {
    /** The lock file's name in {@code --out}. */
    static final String NAME = ".etab-export.lock";

    private final Path file;
    private final FileChannel channel;

    private ExportLock(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Creates {@code out} if need be and locks it for this export.
     *
     * @throws IllegalArgumentException when {@code out} is not a directory, or another export holds it
     * @throws IOException              when the folder or its lock file cannot be made
     */
    static ExportLock take(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + Terminal.safe(out) + " is a file, not a directory");
        }
        Files.createDirectories(out);
        Path file = out.resolve(NAME);
        while (true) {
            Object before = fileKey(file);
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock lock = null;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException inThisJvm) {
                // another export of this process holds it (tests run several in one JVM)
            }
            if (lock == null) {
                channel.close();
                throw new IllegalArgumentException("--out " + Terminal.safe(out)
                        + " is being written by another etab export (it holds " + NAME
                        + "): wait for it to end, or export elsewhere");
            }
            // the file opened is the one the name held before and still holds (a lock on a file the export before
            // deleted as this one opened it would lock nothing); not checked by reading the file through its name:
            // closing any other descriptor of it would drop this process's lock (POSIX record locks)
            if (before != ABSENT && Objects.equals(before, fileKey(file))) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(
                        ("etab export, process " + ProcessHandle.current().pid() + "\n")
                                .getBytes(StandardCharsets.US_ASCII)));
                return new ExportLock(file, channel);
            }
            channel.close(); // made or replaced meanwhile: look again
        }
    }

    /** What {@link #fileKey} says of a name that names no file. */
    private static final Object ABSENT = new Object();

    /** The file's identity (device and inode; null where the file system has none), or {@link #ABSENT}. */
    private static Object fileKey(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (NoSuchFileException none) {
            return ABSENT;
        }
    }

    /** Deletes the lock file, then releases the lock: the folder is free for the next export. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            channel.close();
        }
    }
}
