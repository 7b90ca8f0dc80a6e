package org.etab.decode;

import java.nio.file.Path;

/** A video that cannot be opened or decoded; the message names the file and the reason. */
public class DecodeException extends RuntimeException {
    private final transient Path file;

    public DecodeException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
