package org.etab.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.etab.pipeline.RunAccount;

/**
 * One line on stderr when a run is stopped by SIGINT or SIGTERM (the JVM's shutdown hooks run; the RESULT line
 * never comes): what was done, and where {@code --resume} goes on, so that a stopped benchmark does not end in
 * silence. Registered for the length of a run; {@link #close()} removes it, so a run that ends on its own, or on an
 * error, prints nothing here.
 *
 * <p>Threading: the message is built on the hook's thread while the run's threads may still be working, so
 * {@code message} reads only what is safe to read from another thread.
 */
final class InterruptNotice implements AutoCloseable {
    private final Thread hook;

    InterruptNotice(Supplier<String> message, PrintStream err) {
        hook = new Thread(() -> err.println(System.lineSeparator() + message.get()), "etab-interrupt-notice");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * The notice of a streaming run (bench, demo): how far it got, and where {@code --resume} goes on (the recorder
     * is stopped first, so that the state named is the one the file keeps).
     *
     * @param consumed samples the run's loop has taken so far (the account also counts prefetched ones)
     * @param recorder the run's report and state, or null when it has none (demo)
     */
    static InterruptNotice forRun(
            AtomicLong consumed, RunAccount account, long total, long startNanos, RunRecorder recorder) {
        return new InterruptNotice(
                () -> {
                    String resume = recorder == null ? null : recorder.stop();
                    return String.format(
                            Locale.ROOT,
                            "etab: stopped by a signal after %.1f s: %d of %d samples consumed, %d failed%s",
                            (System.nanoTime() - startNanos) / 1e9,
                            consumed.get(),
                            total,
                            account.failed(),
                            recorder == null
                                    ? ""
                                    : resume == null ? " (no --resume: a new run starts over)" : "; " + resume);
                },
                System.err);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook runs, as it should
        }
    }
}
