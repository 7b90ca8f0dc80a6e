package org.etab.batch;

/** Element types of host tensors, with their size in bytes. */
public enum DType {
    UINT8(1),
    INT32(4),
    FLOAT32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
