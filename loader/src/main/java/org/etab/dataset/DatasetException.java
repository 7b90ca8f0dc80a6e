package org.etab.dataset;

import java.nio.file.Path;

/** A dataset file that cannot be used at all; the message names the file and the reason. */
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

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
