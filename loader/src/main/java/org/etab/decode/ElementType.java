package org.etab.decode;

/**
 * The scalar type of one image element, as stored in the file. Values are handled as doubles after
 * reading; {@link #UINT32} keeps its full unsigned range.
 */
public enum ElementType {
    /** Unsigned 8-bit integer, 0..255 ({@code MET_UCHAR}, NIfTI {@code DT_UNSIGNED_CHAR}). */
    UINT8(1, "MET_UCHAR", 2),
    /** Signed 8-bit integer, -128..127 ({@code MET_CHAR}, NIfTI {@code DT_INT8}). */
    INT8(1, "MET_CHAR", 256),
    /** Unsigned 16-bit integer ({@code MET_USHORT}, NIfTI {@code DT_UINT16}). */
    UINT16(2, "MET_USHORT", 512),
    /** Signed 16-bit integer ({@code MET_SHORT}, NIfTI {@code DT_SIGNED_SHORT}). */
    INT16(2, "MET_SHORT", 4),
    /** Unsigned 32-bit integer ({@code MET_UINT}, NIfTI {@code DT_UINT32}). */
    UINT32(4, "MET_UINT", 768),
    /** Signed 32-bit integer ({@code MET_INT}, NIfTI {@code DT_SIGNED_INT}). */
    INT32(4, "MET_INT", 8),
    /** IEEE 754 single precision ({@code MET_FLOAT}, NIfTI {@code DT_FLOAT}). */
    FLOAT32(4, "MET_FLOAT", 16),
    /** IEEE 754 double precision ({@code MET_DOUBLE}, NIfTI {@code DT_DOUBLE}). */
    FLOAT64(8, "MET_DOUBLE", 64);

    private final int bytes;
    private final String metName;
    private final int niftiCode;

    ElementType(int bytes, String metName, int niftiCode) {
        this.bytes = bytes;
        this.metName = metName;
        this.niftiCode = niftiCode;
    }

    /** {@return the number of bytes per element in the file: 1, 2, 4 or 8} */
    public int bytes() {
        return bytes;
    }

    /** {@return the MetaImage {@code ElementType} value, e.g. {@code MET_UCHAR}} */
    String metName() {
        return metName;
    }

    /** {@return the NIfTI-1 {@code datatype} code, e.g. 2 for uint8} */
    int niftiCode() {
        return niftiCode;
    }

    /** The type whose MetaImage name is {@code name} (any case), or null. */
    static ElementType ofMetName(String name) {
        for (ElementType t : values()) {
            if (t.metName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }

    /** The type whose NIfTI-1 datatype code is {@code code}, or null. */
    static ElementType ofNiftiCode(int code) {
        for (ElementType t : values()) {
            if (t.niftiCode == code) {
                return t;
            }
        }
        return null;
    }
}
