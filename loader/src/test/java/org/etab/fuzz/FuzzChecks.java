package org.etab.fuzz;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The property every fuzz target checks: for any bytes the parser returns, or throws only its documented exception
 * with a message that starts with the file at fault; and it allocates on the heap no more than the input can justify.
 * Anything else (an undocumented exception, an error, a message naming no file, an allocation over the bound) escapes
 * as a Jazzer finding, or a failed regression case in {@code mvn test}.
 */
final class FuzzChecks {
    /**
     * Heap a call may allocate whatever its input (buffers, the index's maps, a YAML mapper), and per input byte on
     * top: deflate's 1032:1 bound, twice (the inflated pixels and their decoded copy). A header that claims more than
     * its file can hold, allocated before the check, goes far over this.
     */
    static final long BASE_BYTES = 16L << 20;

    static final long BYTES_PER_INPUT_BYTE = 2 * 1032;

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzChecks() {}

    /** A parse of the fuzzed file. */
    @FunctionalInterface
    interface Parse {
        void run() throws Exception;
    }

    /**
     * Runs {@code parse} of an input of {@code inputBytes} bytes.
     *
     * @param named      the start every documented exception's message must have: the file at fault and ": "
     *                   (or the directory it lies in, for a format whose header names other files)
     * @param documented the exceptions the parser documents for bad input
     * @throws AssertionError when an exception's message does not name the file, or the heap allocated is over
     *                        the bound; any undocumented exception passes through
     */
    @SafeVarargs
    static void check(String named, long inputBytes, Parse parse, Class<? extends RuntimeException>... documented)
            throws Exception {
        long bound = BASE_BYTES + BYTES_PER_INPUT_BYTE * inputBytes;
        long allocated = allocatedBy(named, parse, documented);
        if (allocated > bound) {
            // a path's first run loads its classes, which Jazzer's agent instruments on this thread: only an
            // allocation the same parse repeats is the parser's
            allocated = allocatedBy(named, parse, documented);
        }
        if (allocated > bound) {
            throw new AssertionError(
                    "allocated " + allocated + " bytes for a " + inputBytes + "-byte input (bound " + bound + ")");
        }
    }

    /** Writes {@code bytes} to {@code file}, then {@link #check}s {@code parse}, which must name that file. */
    @SafeVarargs
    static void checkFile(Path file, byte[] bytes, Parse parse, Class<? extends RuntimeException>... documented)
            throws Exception {
        Files.write(file, bytes);
        check(file + ": ", bytes.length, parse, documented);
    }

    /** {@return the heap {@code parse} allocated on this thread}, checking what it threw. */
    private static long allocatedBy(String named, Parse parse, Class<? extends RuntimeException>[] documented)
            throws Exception {
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        run(named, parse, documented);
        return THREADS.getThreadAllocatedBytes(thread) - before;
    }

    private static void run(String named, Parse parse, Class<? extends RuntimeException>[] documented)
            throws Exception {
        try {
            parse.run();
        } catch (RuntimeException e) {
            if (!isOneOf(e, documented)) {
                throw e;
            }
            if (e.getMessage() == null || !e.getMessage().startsWith(named)) {
                throw new AssertionError("message does not start with '" + named + "': " + e.getMessage(), e);
            }
        }
    }

    private static boolean isOneOf(RuntimeException e, Class<? extends RuntimeException>[] documented) {
        for (Class<? extends RuntimeException> c : documented) {
            if (c.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A fresh directory for one target's files, deleted when the JVM exits; its real path, as the dataset readers
     * name files by theirs.
     */
    static Path scratch(String target) {
        try {
            Path dir = Files.createTempDirectory("etab-fuzz-" + target + "-").toRealPath();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit: a temporary directory left behind is harmless
        }
    }

    /** The bytes of a committed seed, {@code <Class>Inputs/<target>/<name>} beside the class. */
    static byte[] seed(Class<?> test, String target, String name) {
        String resource = test.getSimpleName() + "Inputs/" + target + "/" + name;
        try (var in = test.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no seed " + resource + " (bench/fuzz/fuzz.sh --seeds writes it)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
