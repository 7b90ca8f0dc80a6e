package org.etab.decode;

import java.nio.file.Path;

/**
 * A dataset file that cannot be used at all; the message names the file and the reason. Sources that are not
 * local files (a URL) use {@link #DatasetException(String, String, Throwable)}, and {@link #file()} is null.
 */
public class DatasetException extends RuntimeException {
    private final transient Path file;
    private final String reason;

    /**
     * A local file that cannot be used; the message is {@code file + ": " + reason}.
     *
     * @param file   the file at fault (kept for {@link #file()})
     * @param reason why it cannot be used, e.g. {@code "not found"}
     */
    public DatasetException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
        this.reason = reason;
    }

    /**
     * As {@link #DatasetException(Path, String)}, with the exception that caused it.
     *
     * @param file   the file at fault (kept for {@link #file()})
     * @param reason why it cannot be used, e.g. {@code "cannot be read: " + e}
     * @param cause  the underlying failure, e.g. an {@link java.io.IOException}
     */
    public DatasetException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /**
     * A source that is not a local file (e.g. a URL); the message is {@code source + ": " + reason} and
     * {@link #file()} is null.
     *
     * @param source names the source in the message, e.g. its URL
     * @param reason why it cannot be used
     * @param cause  the underlying failure
     */
    public DatasetException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.file = null;
        this.reason = reason;
    }

    /** {@return why the file cannot be used: the message without the file's name} */
    String reason() {
        return reason;
    }

    /** {@return the file at fault; null when the source is not a local file} */
    public Path file() {
        return file;
    }
}
