package org.etab.storage;

/**
 * No body reservation was free when a download's response headers came: not a failure of the server; {@link Retries}
 * waits for {@code amount} bytes of reservation and asks again, without counting an attempt.
 */
final class NeedBytes extends RuntimeException {
    final long amount;

    NeedBytes(long amount) {
        super("waiting for " + amount + " bytes of body reservation", null, false, false);
        this.amount = amount;
    }
}
