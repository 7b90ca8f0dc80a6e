package org.etab.batch;

/** Element types of host tensors, with their size in bytes. */
public enum DType {
    /** Unsigned 8-bit: raw pixels and masks. */
    UINT8(1),
    /** Signed 32-bit: class indices and frame numbers. */
    INT32(4),
    /** IEEE 32-bit float: normalized pixels and EF. */
    FLOAT32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /**
     * Bytes per element.
     *
     * @return 1 or 4
     */
    public int bytes() {
        return bytes;
    }
}
