package org.etab.datasets.echonet;

/**
 * The LV tracing of one frame in EchoNet-Dynamic's {@code VolumeTracings.csv}: the rows of one
 * (FileName, Frame) group in file order. Row 0 is the long axis (apex to mitral annulus); rows 1..n-1
 * are chords across the ventricle, {@code (x1, y1)} on one wall and {@code (x2, y2)} on the other.
 * Coordinates are float pixels in the video frame.
 *
 * @param frame the 0-based frame number in the video
 * @param x1    X1 per row, px
 * @param y1    Y1 per row, px
 * @param x2    X2 per row, px
 * @param y2    Y2 per row, px
 */
public record Tracing(int frame, float[] x1, float[] y1, float[] x2, float[] y2) {

    /**
     * Checks that the four columns have one length. The arrays are kept, not copied: the caller must not change
     * them afterwards.
     *
     * @param frame the 0-based frame number in the video
     * @param x1    X1 per row, px
     * @param y1    Y1 per row, px
     * @param x2    X2 per row, px
     * @param y2    Y2 per row, px
     * @throws IllegalArgumentException when the columns differ in length
     */
    public Tracing {
        if (x1.length != y1.length || x1.length != x2.length || x1.length != y2.length) {
            throw new IllegalArgumentException("tracing columns differ in length");
        }
    }

    /** {@return the rows in this group, long axis included} */
    public int rows() {
        return x1.length;
    }
}
