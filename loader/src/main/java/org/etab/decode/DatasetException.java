package org.etab.decode;

import java.nio.file.Path;

/**
 * A dataset file that cannot be used at all; the message names the file and the reason. Sources that are not
 * local files (a URL) use {@link #DatasetException(String, String, Throwable)}, and {@link #file()} is null.
 */
public class DatasetException extends RuntimeException {
    private final transient Path file;

    public DatasetException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    public DatasetException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    /** A source that is not a local file (e.g. a URL); the message names it and the reason. */
    public DatasetException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.file = null;
    }

    /** The file at fault; null when the source is not a local file. */
    public Path file() {
        return file;
    }
}
