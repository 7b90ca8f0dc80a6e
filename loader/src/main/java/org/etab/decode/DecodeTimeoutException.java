package org.etab.decode;

import java.nio.file.Path;

/** A decode that ran past its deadline; the message names the source and how far it got. */
public class DecodeTimeoutException extends DecodeException {
    /**
     * A read or decode of {@code file} that gave up at its deadline.
     *
     * @param file   the file being read
     * @param reason how far it got, e.g. {@code "timed out after reading 12 frames"}
     */
    public DecodeTimeoutException(Path file, String reason) {
        super(file, reason);
    }

    /**
     * A decode of an in-memory video that gave up at its deadline.
     *
     * @param source names the video, e.g. its URL
     * @param reason how far it got
     */
    public DecodeTimeoutException(String source, String reason) {
        super(source, reason);
    }
}
