package org.etab.decode;

/**
 * The scalar type of one image element, as stored in the file. Values are handled as doubles after
 * reading; {@link #UINT32} keeps its full unsigned range.
 */
public enum ElementType {
    UINT8(1, "MET_UCHAR", 2),
    INT8(1, "MET_CHAR", 256),
    UINT16(2, "MET_USHORT", 512),
    INT16(2, "MET_SHORT", 4),
    UINT32(4, "MET_UINT", 768),
    INT32(4, "MET_INT", 8),
    FLOAT32(4, "MET_FLOAT", 16),
    FLOAT64(8, "MET_DOUBLE", 64);

    private final int bytes;
    private final String metName;
    private final int niftiCode;

    ElementType(int bytes, String metName, int niftiCode) {
        this.bytes = bytes;
        this.metName = metName;
        this.niftiCode = niftiCode;
    }

    /** Bytes per element in the file. */
    public int bytes() {
        return bytes;
    }

    /** The MetaImage {@code ElementType} value, e.g. {@code MET_UCHAR}. */
    public String metName() {
        return metName;
    }

    /** The NIfTI-1 {@code datatype} code, e.g. 2 for uint8. */
    public int niftiCode() {
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
