package org.etab.decode;

import java.nio.file.Path;

/** A decode that ran past its deadline; the message names the source and how far it got. */
public class DecodeTimeoutException extends DecodeException {
    public DecodeTimeoutException(Path file, String reason) {
        super(file, reason);
    }

    public DecodeTimeoutException(String source, String reason) {
        super(source, reason);
    }
}
