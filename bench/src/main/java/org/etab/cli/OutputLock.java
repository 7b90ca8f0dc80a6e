package org.etab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * One run at a time writes a given output. An export holds an exclusive lock on {@code <out>/}{@value #NAME} from
 * before it writes anything (report, manifest, resume repair) until it has ended, and deletes that file then. A second
 * export into the folder meanwhile is refused in one line: two of them truncated each other's manifest, and their
 * {@code .npy.tmp} files (one name per sample) could move the other's half-written array under a final name. A
 * {@code --report} or {@code --resume} file is locked the same way, through {@code .<name>.etab-lock} beside it
 * ({@link #file}): ranks of one job given the same file by mistake truncated each other's report and overwrote each
 * other's state, all exiting 0. {@code etab demo} waits ({@link #await}) on {@code .echonet.etab-lock} beside its
 * phantom folder while another demo writes the set.
 *
 * <p>The lock is the kernel's ({@link FileChannel#tryLock()}), so a process that dies leaves no lock behind, only the
 * file, which the next run takes over and deletes. The holder deletes the file while it holds the lock, so a waiting
 * process may lock a file that no longer has the name: {@link #lock} only counts a lock on the file the name still
 * holds. The output itself is not what is locked: the report and the state are replaced by renames.
 */
final class OutputLock implements AutoCloseable {
    /** The lock file's name in {@code --out}. */
    static final String NAME = ".etab-export.lock";

    private final Path file;
    private final FileChannel channel;
    private boolean released;

    private OutputLock(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Creates {@code out} if need be and locks it for this export.
     *
     * @throws IllegalArgumentException when {@code out} is not a directory, or another export holds it
     * @throws IOException              when the folder or its lock file cannot be made
     */
    static OutputLock take(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + Terminal.safe(out) + " is a file, not a directory");
        }
        Files.createDirectories(out);
        return lock(
                out.resolve(NAME),
                "--out " + Terminal.safe(out) + " is being written by another etab export (it holds " + NAME
                        + "): wait for it to end, or export elsewhere");
    }

    /**
     * Locks the output {@code file} that {@code flag} names ({@code --report}, {@code --resume}) for this run; its
     * folder is made if need be, as the run would make it. Null when {@code file} is null.
     *
     * @throws IllegalArgumentException when another etab run holds it (one line, naming the flag and the file)
     * @throws UncheckedIOException     when the folder or the lock file cannot be made (naming the flag and the file)
     */
    static OutputLock file(String flag, Path file) {
        if (file == null) {
            return null; // not asked for: nothing to lock (try-with-resources skips a null)
        }
        Path abs = file.toAbsolutePath();
        Path lockFile = abs.resolveSibling("." + abs.getFileName() + ".etab-lock");
        try {
            Files.createDirectories(abs.getParent());
            return lock(
                    lockFile,
                    flag + " " + Terminal.safe(file) + " is being written by another etab run (it holds "
                            + Terminal.safe(lockFile) + "): give each rank its own " + flag + " file");
        } catch (IOException e) { // one line naming the output, as the run's own write would have failed
            throw new UncheckedIOException(flag + " " + file + ": cannot make its lock file " + lockFile + ": " + e, e);
        }
    }

    /**
     * Locks {@code file}, waiting while another etab run holds it.
     *
     * @param onWait runs once, before the wait, if another run holds it
     * @throws IOException          when the lock file cannot be made
     * @throws InterruptedException when interrupted while waiting
     */
    static OutputLock await(Path file, Runnable onWait) throws IOException, InterruptedException {
        OutputLock lock = tryLock(file);
        if (lock == null) {
            onWait.run();
            // polled rather than FileChannel.lock(): that throws where this JVM holds it (tests run several runs in
            // one)
            while ((lock = tryLock(file)) == null) {
                Thread.sleep(100);
            }
        }
        return lock;
    }

    private static OutputLock lock(Path file, String refusal) throws IOException {
        OutputLock lock = tryLock(file);
        if (lock == null) {
            throw new IllegalArgumentException(refusal);
        }
        return lock;
    }

    /** The lock on {@code file}, or null when another run holds it. */
    private static OutputLock tryLock(Path file) throws IOException {
        while (true) {
            Object before = fileKey(file);
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock lock = null;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException inThisJvm) {
                // another run of this process holds it (tests run several in one JVM)
            }
            if (lock == null) {
                channel.close();
                return null;
            }
            // the file opened is the one the name held before and still holds (a lock on a file the run before
            // deleted as this one opened it would lock nothing); not checked by reading the file through its name:
            // closing any other descriptor of it would drop this process's lock (POSIX record locks)
            if (before != ABSENT && Objects.equals(before, fileKey(file))) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(
                        ("etab, process " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
                return new OutputLock(file, channel);
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

    /**
     * Deletes the lock file, then releases the lock: the output is free for the next run. Only the first call acts
     * (a later one would delete the lock file of the run that took the output meanwhile).
     */
    @Override
    public synchronized void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            Files.deleteIfExists(file);
        } finally {
            channel.close();
        }
    }
}
