package org.etab.cli;

import java.io.PrintStream;
import java.util.function.Supplier;

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

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook runs, as it should
        }
    }
}
