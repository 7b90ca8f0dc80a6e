package org.etab.storage;

/**
 * The memory one download's body may take, reserved from the store's byte budget ({@link AsyncPermits}) before the
 * body is read: at most one reservation at a time, made for the length a response states (or, without one, the bound
 * for bodies without a length), kept across the download's attempts while the object stays the same, and released
 * when the download ends.
 *
 * <p>Threading: the download's attempts use it one after another; {@link #release()} may come from another thread
 * (the end of the {@code get}), so the reservation is read once per use.
 */
final class BodyReservation {
    /** What {@link #reserve} found. */
    enum Outcome {
        /** Reserved now, or earlier and large enough. */
        HELD,
        /** The budget has not that much free now: wait for it ({@link NeedBytes}) and ask again. */
        NONE_FREE,
        /** An earlier response's reservation, smaller than this one needs: the object's size changed. */
        TOO_SMALL
    }

    private final AsyncPermits bytes;
    private volatile AsyncPermits.Permit permit;

    BodyReservation(AsyncPermits bytes) {
        this.bytes = bytes;
    }

    /** Takes over a reservation granted while no request was in progress (after a {@link Outcome#NONE_FREE}). */
    void hold(AsyncPermits.Permit p) {
        permit = p;
    }

    /** Gives the reservation back, if any; idempotent. */
    void release() {
        AsyncPermits.Permit p = permit;
        if (p != null) {
            p.release();
        }
    }

    /** Gives the reservation back and forgets it: the next response is sized afresh (a new version of the object). */
    void forget() {
        AsyncPermits.Permit p = permit;
        if (p != null) {
            p.release();
            permit = null;
        }
    }

    /** {@return the bytes reserved now, 0 for none} */
    long reserved() {
        AsyncPermits.Permit p = permit;
        return p == null ? 0 : p.amount;
    }

    /**
     * Reserves room for a body of at most {@code limit} bytes.
     *
     * @param limit the body's bytes: its stated length, or the bound for a body without a length
     * @param sized whether a response stated the length
     * @return what was found
     */
    Outcome reserve(long limit, boolean sized) {
        long need = Math.max(1, limit);
        long enough = Math.min(need, bytes.capacity());
        AsyncPermits.Permit p = permit;
        if (p != null && !sized && p.amount < enough) {
            // reserved for a length an earlier response stated, and this one states none: not a change of size, but
            // the reservation must cover the bound for bodies without a length
            forget();
            p = null;
        }
        if (p == null) {
            p = bytes.tryAcquire(need);
            if (p == null) {
                return Outcome.NONE_FREE;
            }
            permit = p;
            return Outcome.HELD;
        }
        return p.amount < enough ? Outcome.TOO_SMALL : Outcome.HELD;
    }
}
