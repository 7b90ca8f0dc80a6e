package org.etab.testing;

import static org.assertj.core.api.SoftAssertions.assertSoftly;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a lifecycle (open, use, close) may leave behind in a long-lived JVM, counted so that a test can compare
 * before and after many cycles: live threads by name (digits folded, so that "etab-decode-17" and "etab-decode-3"
 * are one kind), open file descriptors, JavaCPP's live native bytes, the meters of a registry, and the files of a
 * directory (the temporary one).
 */
public final class Leaks {
    /**
     * Native bytes a JVM may allocate once, late, on a path the warm-up cycles did not take (measured: 8 bytes, once,
     * in runs of 100 to 300 cycles); one leaked decoder, frame or batch per cycle is thousands of times this.
     */
    public static final long ONE_TIME_NATIVE_BYTES = 1024;

    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Pattern REACTOR_SHARED = Pattern.compile("(boundedElastic|parallel|single)(-evictor)?-[0-9]+");

    private Leaks() {}

    /** One cycle of a lifecycle under test; {@code i} numbers it (a seed, an epoch). */
    public interface Cycle {
        void run(int i) throws Exception;
    }

    /**
     * Runs {@code cycle} twice (what a JVM loads once joins the baseline), then {@code n} times, and checks that nothing
     * of the {@code n} is left once the last threads have ended (30 s at most): no thread, no descriptor, no meter of
     * {@code registry}, and, when {@code nativeBytes}, at most {@link #ONE_TIME_NATIVE_BYTES} of JavaCPP memory.
     *
     * @param registry    whose meters to count; null for none
     * @param nativeBytes whether to count native bytes: not while a pipeline stays open across the cycles, whose pool
     *                    may allocate a buffer late (up to its bound, which the caller checks)
     */
    public static void assertLeavesNothing(String what, int n, MeterRegistry registry, boolean nativeBytes, Cycle cycle)
            throws Exception {
        cycle.run(0);
        cycle.run(1);
        Snapshot before = take(registry, null);
        for (int i = 2; i < n + 2; i++) {
            cycle.run(i);
        }
        Snapshot after = awaitSettled(
                () -> take(registry, null),
                s -> s.newThreads(before).isEmpty()
                        && s.fds() <= before.fds()
                        && (!nativeBytes || s.nativeBytes() <= before.nativeBytes()),
                SETTLE);
        assertSoftly(soft -> {
            soft.assertThat(after.newThreads(before))
                    .as("%s: threads left", what)
                    .isEmpty();
            soft.assertThat(after.fds())
                    .as("%s: descriptors left: %s", what, fdTargets())
                    .isLessThanOrEqualTo(before.fds());
            if (nativeBytes) {
                soft.assertThat(after.nativeBytes() - before.nativeBytes())
                        .as("%s: native bytes left", what)
                        .isLessThanOrEqualTo(ONE_TIME_NATIVE_BYTES);
            }
            // at most as many: a pipeline an earlier test closed on a decode thread may remove its meters meanwhile
            soft.assertThat(after.meters()).as("%s: meters left", what).isLessThanOrEqualTo(before.meters());
        });
    }

    /** One moment's counts. */
    public record Snapshot(Map<String, Integer> threads, long fds, long nativeBytes, int meters, long files) {
        /** {@return the threads by kind, beyond those of {@code before}: what the cycles left running} */
        public Map<String, Integer> newThreads(Snapshot before) {
            Map<String, Integer> extra = new TreeMap<>();
            threads.forEach((name, n) -> {
                int more = n - before.threads.getOrDefault(name, 0);
                if (more > 0) {
                    extra.put(name, more);
                }
            });
            return extra;
        }

        @Override
        public String toString() {
            return "threads="
                    + threads.values().stream().mapToInt(Integer::intValue).sum() + " fds=" + fds + " nativeBytes="
                    + nativeBytes + " meters=" + meters + " files=" + files;
        }
    }

    /**
     * Counts now, the native bytes once the garbage is gone ({@link NativeBytes#settled()}).
     *
     * @param registry whose meters to count; null for none
     * @param dir      whose entries to count (e.g. {@code java.io.tmpdir}); null for none
     */
    public static Snapshot take(MeterRegistry registry, Path dir) {
        long nativeBytes = NativeBytes.settled();
        return new Snapshot(
                threadKinds(),
                fds(),
                nativeBytes,
                registry == null ? 0 : registry.getMeters().size(),
                files(dir));
    }

    /**
     * Takes snapshots until {@code settled} says one is back to the baseline, or {@code limit} passes; returns the
     * last. Threads and sockets end a little after the close that stops them (an event loop's last task, a pool
     * thread's exit), so a test waits for the condition rather than a fixed time.
     */
    public static Snapshot awaitSettled(Supplier<Snapshot> snapshot, Predicate<Snapshot> settled, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Snapshot s = snapshot.get();
        while (!settled.test(s) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return s;
            }
            s = snapshot.get();
        }
        return s;
    }

    /**
     * Live threads by name with every run of digits folded to '#', less Reactor's shared schedulers
     * ({@code Schedulers.boundedElastic()}, {@code parallel()}, {@code single()}): one set per JVM, bounded, which any
     * Reactor code starts on first use and whose idle workers end only after a minute.
     */
    public static Map<String, Integer> threadKinds() {
        Map<String, Integer> kinds = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !REACTOR_SHARED.matcher(t.getName()).matches()) {
                kinds.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
            }
        }
        return kinds;
    }

    /**
     * This process's open file descriptors (Linux: /proc/self/fd), less the class path's jars, which the JVM opens as
     * it first loads a class from each and keeps open.
     */
    public static long fds() {
        return fdTargets().values().stream().mapToLong(Integer::longValue).sum();
    }

    /** What each open descriptor points at (a file, a socket, an epoll instance), for a failure's message. */
    public static Map<String, Integer> fdTargets() {
        Map<String, Integer> targets = new TreeMap<>();
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (!target.endsWith(".jar")) { // the class path's jars: opened once as classes load
                        targets.merge(socketKind(target), 1, Integer::sum);
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, or one closed since the listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return targets;
    }

    /** A socket named by its protocol and local port (from /proc/net), anything else by its path, digits folded. */
    private static String socketKind(String target) {
        if (!target.startsWith("socket:[")) {
            return target.replaceAll("[0-9]+", "#");
        }
        String inode = target.substring(8, target.length() - 1);
        for (String proto : new String[] {"tcp", "tcp6", "udp", "udp6", "unix"}) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/net/" + proto))) {
                    String[] f = line.trim().split("\\s+");
                    if (proto.equals("unix")
                            ? f.length > 6 && f[6].equals(inode)
                            : f.length > 9 && f[9].equals(inode)) {
                        return proto + (proto.equals("unix") ? "" : " " + f[1] + "->" + f[2] + " st=" + f[3]);
                    }
                }
            } catch (IOException unreadable) {
                // not on this system
            }
        }
        return "socket";
    }

    private static long files(Path dir) {
        if (dir == null) {
            return 0;
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
