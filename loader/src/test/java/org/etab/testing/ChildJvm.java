package org.etab.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A class's {@code main} run in a JVM of its own, with the test's class path: for what must not happen in the test's
 * JVM (running out of a small heap, a JavaCPP limit fixed when it loads, taking every file descriptor).
 */
public final class ChildJvm {
    private static final long LIMIT_SECONDS = 60;

    private ChildJvm() {}

    /** How the child ended: its exit status and everything it printed, stdout and stderr together. */
    public record Result(int exit, String output) {
        /** {@return the output's lines} */
        public List<String> lines() {
            return output.lines().toList();
        }
    }

    /**
     * Runs {@code main} with {@code jvmOptions} and {@code args}; waits for it, {@value #LIMIT_SECONDS} s at most.
     *
     * @throws IllegalStateException when it is still running then (it is killed)
     */
    public static Result run(List<String> jvmOptions, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(main.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(main.getName() + " still running after " + LIMIT_SECONDS + " s: " + output);
        }
        return new Result(p.exitValue(), output);
    }
}
