package org.etab.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.etab.decode.VideoDecoder;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code etab} command line: {@code synth}, {@code bench}, {@code export}, {@code split}, {@code plot},
 * {@code gif}, {@code demo}. A stable contract that other tools script against: flag names do not change, and
 * {@code bench}'s last line is machine-readable.
 */
@Command(
        name = "etab",
        mixinStandardHelpOptions = true,
        versionProvider = Etab.Version.class, // description: DatasetHelp
        subcommands = {
            SynthCommand.class,
            BenchCommand.class,
            ExportCommand.class,
            DemoCommand.class,
            PictureCommands.Plot.class,
            PictureCommands.Gif.class,
            SplitCommand.class
        })
public final class Etab implements java.util.concurrent.Callable<Integer> {
    /** The dataset of {@code --dataset} when none is named. */
    static final String DEFAULT_DATASET = "echonet";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The library logs through SLF4J; the CLI bundles slf4j-simple, configured here before its first logger. */
    enum LogLevel {
        error,
        warn,
        info,
        debug,
        trace,
        off
    }

    @CommandLine.Option(
            names = "--log-level",
            scope = CommandLine.ScopeType.INHERIT,
            paramLabel = "LEVEL",
            description = "Library log level on stderr: ${COMPLETION-CANDIDATES} (default: warn; the metrics server's "
                    + "warnings about malformed requests only at debug and trace; JavaCPP's and JavaCV's loggers, "
                    + "org.bytedeco, at most info).")
    void logLevel(LogLevel level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level.name());
        System.setProperty(
                NETTY_SERVER_LOG,
                level == LogLevel.debug || level == LogLevel.trace || level == LogLevel.off ? level.name() : "error");
        System.setProperty(
                BYTEDECO_LOG, level == LogLevel.debug || level == LogLevel.trace ? LogLevel.info.name() : level.name());
    }

    /**
     * The level of JavaCPP's and JavaCV's loggers ({@code org.bytedeco}): {@code --log-level}'s, but at most info. At
     * debug JavaCPP writes a line for every native allocation it registers and releases (some 60 for a small run),
     * which would drown the library's own debug lines.
     */
    static final String BYTEDECO_LOG = "org.slf4j.simpleLogger.log.org.bytedeco";

    /**
     * The level of the metrics server's HTTP layer (reactor-netty's server loggers): error, unless
     * {@code --log-level debug} or {@code trace} asks for more. At warn it writes several lines for every malformed
     * request, quoting the request's header names raw, so any client of {@code --metrics-port} could flood stderr or
     * write escape sequences to it, under {@code --quiet} too; the client gets its 400 either way.
     */
    static final String NETTY_SERVER_LOG = "org.slf4j.simpleLogger.log.reactor.netty.http.server";

    /**
     * The level of reactor-netty's other loggers (the HTTP client's among them): error, whatever {@code --log-level}
     * says. At debug they print each request's full URL, a presigned root's signature included, which every message
     * of ours redacts; at warn, a stack trace without the URL for each connection error that the store then retries
     * (and reports, redacted, if the retries fail).
     */
    static final String NETTY_LOG = "org.slf4j.simpleLogger.log.reactor.netty";

    /** Logging settings made before the first logger exists (slf4j-simple reads a logger's level when it is made). */
    static void configureLogging() {
        // JavaCPP's own messages go through SLF4J too; its one known warning, on every ND4J start, says that
        // OpenBLAS 0.3.19-1.5.7 (ND4J's) is not JavaCPP 1.5.14 (JavaCV's): expected and harmless (docs/gpu.md)
        System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        System.setProperty("org.slf4j.simpleLogger.log.org.bytedeco.javacpp.Loader", "error");
        System.setProperty(NETTY_SERVER_LOG, "error"); // --log-level may change it while the flags are parsed
        System.setProperty(NETTY_LOG, "error");
        System.setProperty(BYTEDECO_LOG, LogLevel.warn.name()); // the default level; --log-level may change it
    }

    /**
     * No command named: the usage on stderr and exit code 2, a usage error (a script that lost its command does not
     * pass); {@code etab --help} prints it on stdout with exit code 0.
     */
    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        cl.getErr().println("etab: name a command (below)");
        cl.usage(cl.getErr());
        return 2;
    }

    public static void main(String[] args) {
        configureLogging();
        System.exit(checkedStdout(commandLine().execute(args), System.out, System.err));
    }

    /**
     * The exit code, 2 when what the command printed on standard output was lost: a {@link PrintStream} drops write
     * errors (stdout a file on a full disk, {@code /dev/full}, a pipe closed early), and a script that reads RESULT or
     * SPLIT from it would otherwise see exit code 0 and no line.
     */
    static int checkedStdout(int code, PrintStream out, PrintStream err) {
        if (out.checkError() && code == 0) { // checkError flushes first
            err.println("etab: standard output could not be written (a full disk, or a pipe closed early?): what the"
                    + " command printed there is lost");
            return 2;
        }
        return code;
    }

    /** The configured command line (for tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Etab())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setSubcommandsCaseInsensitive(true); // etab Bench is etab bench
        cl.setResourceBundle(new DatasetHelp());
        // each command's help lists -V, --version (mixinStandardHelpOptions): it prints etab's version there too,
        // not an empty line
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(new Version());
        }
        ExportCommand.hideUnusedOptions(cl.getSubcommands().get("export").getCommandSpec());
        // plot, gif and split refuse some of the selection flags they share with bench: their help leaves them out
        SelectionOptions.hideRefused(cl.getSubcommands().get("plot").getCommandSpec(), PictureCommands.FRAME_FLAGS);
        SelectionOptions.hideRefused(cl.getSubcommands().get("gif").getCommandSpec(), PictureCommands.RAW_GRAY_FLAGS);
        // gif makes a clip: --video true is all it takes (false is refused, naming why)
        SelectionOptions.hideRefused(cl.getSubcommands().get("gif").getCommandSpec(), "--video");
        SelectionOptions.hideRefused(cl.getSubcommands().get("split").getCommandSpec(), SplitCommand.UNUSED_FLAGS);
        SelectionOptions.describe(cl.getSubcommands().get("split").getCommandSpec(), "--seed", SplitCommand.SEED_HELP);
        // a flag picocli cannot parse (unknown, missing, or a value of the wrong type) is one line, as every other
        // error: picocli's message (it quotes the argument as typed), its suggestions folded in, and a pointer to
        // --help; not the whole usage text
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine command = ex.getCommandLine();
            command.getErr().println(parseErrorLine(ex));
            return command.getCommandSpec().exitCodeOnInvalidInput();
        });
        // user errors (bad flags, bad files) print one clear line, not a stack trace
        cl.setExecutionExceptionHandler((thrown, command, parseResult) -> {
            // several decode threads failing at once under --on-error fail: the first failure is the message
            Exception e = reactor.core.Exceptions.isMultiple(thrown)
                            && reactor.core.Exceptions.unwrapMultiple(thrown).get(0) instanceof Exception first
                    ? first
                    : thrown;
            if (e instanceof IllegalArgumentException
                    || e instanceof org.etab.decode.DatasetException
                    || e instanceof org.etab.storage.RemoteException
                    || e instanceof org.etab.source.SampleException
                    || e instanceof java.io.UncheckedIOException) {
                // the message may quote data (a sample id, a file name): no control character reaches the terminal
                command.getErr().println("etab: " + Terminal.safe(e.getMessage()));
                return 2;
            }
            if (e instanceof java.io.IOException) { // an output that cannot be written: its path and the reason
                command.getErr().println("etab: " + Terminal.safe(e.toString()));
                return 2;
            }
            throw e;
        });
        cl.setExecutionStrategy(parsed -> {
            if (readsMedia(parsed)) {
                try {
                    VideoDecoder.loadLibraries(); // before the command's work starts, not in its first decode
                } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                    // JavaCPP could not unpack them (a read-only home and temporary folder): one line, not its trace
                    parsed.commandSpec().commandLine().getErr().println(nativesLine(e));
                    return 2;
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl;
    }

    /**
     * The one line for a command line that picocli cannot parse: {@code etab: <picocli's message>; did you mean
     * <suggestions>? (see 'etab <command> --help')}, the suggestions (an unknown option's or command's near names)
     * only when picocli has any.
     */
    static String parseErrorLine(CommandLine.ParameterException ex) {
        StringBuilder line = new StringBuilder("etab: ").append(ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            line.append("; did you mean ")
                    .append(String.join(" or ", unmatched.getSuggestions()))
                    .append('?');
        }
        line.append(" (see '")
                .append(ex.getCommandLine().getCommandSpec().qualifiedName())
                .append(" --help')");
        return Terminal.safe(line); // a newline in an argument stays on the one line, escaped
    }

    /** True unless the command line asks for help or the version, names no command, or only splits an index. */
    static boolean readsMedia(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        for (CommandLine.ParseResult r = parsed; r != null; r = r.subcommand()) {
            if (r.isUsageHelpRequested() || r.isVersionHelpRequested()) {
                return false;
            }
            last = r;
        }
        return last != parsed && !"split".equals(last.commandSpec().name());
    }

    /** The line for FFmpeg's native libraries that cannot be loaded: JavaCPP's reason, where it tried, the way out. */
    static String nativesLine(Throwable e) {
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        String tried = cache != null
                ? cache
                : Path.of(System.getProperty("user.home"), ".javacpp", "cache") + ", then a folder in "
                        + System.getProperty("java.io.tmpdir");
        return Terminal.safe("etab: cannot load FFmpeg's native libraries: " + e.getMessage()
                + " (JavaCPP unpacks them into " + tried + "; name a writable folder with"
                + " ETAB_JAVA_OPTS=-Dorg.bytedeco.javacpp.cachedir=DIR)");
    }

    /** {@code --version}: the version in the jar's manifest, which Maven writes from the pom. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Etab.class.getPackage().getImplementationVersion();
            return new String[] {"etab-stream " + (v != null ? v : "(version unknown: not run from its jar)")};
        }
    }
}
