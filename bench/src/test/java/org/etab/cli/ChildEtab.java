package org.etab.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of an {@code etab} CLI in a child JVM on the test's classpath, started as a shell at a terminal
 * starts it: with SIGINT at its default. A script's background job ({@code .ci/run &}) has SIGINT ignored, its
 * children inherit that, and a JVM that finds SIGINT ignored never installs its handler: {@code kill -INT} would then
 * be lost, and a test of what Ctrl-C does would hang or see the run end on its own. {@code env --default-signal}
 * (GNU coreutils 8.31 and later) resets it.
 */
final class ChildEtab {
    private ChildEtab() {}

    static List<String> command(List<String> args) {
        return command(List.of(), args);
    }

    /** As {@link #command(List)}, the JVM started with {@code jvmOptions} ({@code -Dname=value}, ...). */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                "env",
                "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", cp, Etab.class.getName()));
        cmd.addAll(args);
        return cmd;
    }
}
