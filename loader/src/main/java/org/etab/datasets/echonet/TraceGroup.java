package org.etab.datasets.echonet;

import java.util.Arrays;

/**
 * The rows of one (FileName, Frame) group of {@code VolumeTracings.csv} while the file is being read:
 * four growable float columns, no boxing. Becomes an immutable-by-convention {@link Tracing}.
 */
final class TraceGroup {
    final int frame;
    /** Line of the group's first row, for problem reports. */
    final long firstLine;

    private float[] x1 = new float[24]; // a real group has 21 rows
    private float[] y1 = new float[24];
    private float[] x2 = new float[24];
    private float[] y2 = new float[24];
    private int rows;

    TraceGroup(int frame, long firstLine) {
        this.frame = frame;
        this.firstLine = firstLine;
    }

    void add(float ax, float ay, float bx, float by) {
        if (rows == x1.length) {
            int grown = rows * 2;
            x1 = Arrays.copyOf(x1, grown);
            y1 = Arrays.copyOf(y1, grown);
            x2 = Arrays.copyOf(x2, grown);
            y2 = Arrays.copyOf(y2, grown);
        }
        x1[rows] = ax;
        y1[rows] = ay;
        x2[rows] = bx;
        y2[rows] = by;
        rows++;
    }

    int rows() {
        return rows;
    }

    Tracing toTracing() {
        return new Tracing(
                frame,
                Arrays.copyOf(x1, rows),
                Arrays.copyOf(y1, rows),
                Arrays.copyOf(x2, rows),
                Arrays.copyOf(y2, rows));
    }
}
