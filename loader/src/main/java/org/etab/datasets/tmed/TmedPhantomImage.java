package org.etab.datasets.tmed;

import java.util.SplittableRandom;

/**
 * Draws one phantom TMED-2 still: an ultrasound sector with speckle and dark chambers in bright walls, laid
 * out per view so that views differ at a glance (not clinically): PLAX one long tilted ellipse, PSAX a
 * round ring, A4C four chambers in a 2x2 cross, A2C two chambers stacked, A4CorA2CorOther three chambers in
 * a row of one large and two small.
 *
 * <p>Deterministic: the pixels are a pure function of (view index, random stream). Threading: stateless.
 */
final class TmedPhantomImage {
    static final int SIZE = 112;

    private TmedPhantomImage() {}

    /** One chamber: centre, semi-axes, rotation (radians), wall thickness, all in pixels. */
    private record Chamber(double cx, double cy, double a, double b, double angle, double wall) {}

    /**
     * Renders view {@code view} (0 PLAX, 1 PSAX, 2 A4C, 3 A2C, 4 A4CorA2CorOther) into {@code out}
     * ({@value #SIZE} x {@value #SIZE}, row-major).
     */
    static void render(int view, SplittableRandom rnd, byte[] out) {
        double dx = rnd.nextDouble(-4, 4);
        double dy = rnd.nextDouble(-4, 4);
        double s = rnd.nextDouble(0.9, 1.1);
        double tilt = rnd.nextDouble(-0.14, 0.14);
        Chamber[] chambers = switch (view) {
            case 0 -> new Chamber[] {new Chamber(56 + dx, 60 + dy, 36 * s, 11 * s, -0.2 + tilt, 7)};
            case 1 -> new Chamber[] {new Chamber(56 + dx, 60 + dy, 16 * s, 16 * s, 0, 9)};
            case 2 ->
                new Chamber[] {
                    new Chamber(41 + dx, 44 + dy, 12 * s, 18 * s, tilt, 5),
                    new Chamber(71 + dx, 44 + dy, 12 * s, 18 * s, tilt, 5),
                    new Chamber(41 + dx, 84 + dy, 12 * s, 12 * s, tilt, 5),
                    new Chamber(71 + dx, 84 + dy, 12 * s, 12 * s, tilt, 5)
                };
            case 3 ->
                new Chamber[] {
                    new Chamber(56 + dx, 46 + dy, 14 * s, 24 * s, tilt, 6),
                    new Chamber(56 + dx, 88 + dy, 13 * s, 11 * s, tilt, 6)
                };
            case 4 ->
                new Chamber[] {
                    new Chamber(34 + dx, 64 + dy, 16 * s, 22 * s, tilt, 5),
                    new Chamber(66 + dx, 58 + dy, 8 * s, 8 * s, 0, 5),
                    new Chamber(88 + dx, 70 + dy, 8 * s, 8 * s, 0, 5)
                };
            default -> throw new IllegalArgumentException("view must be 0..4 but was " + view);
        };
        double tissue = rnd.nextDouble(55, 75);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double speckle = 0.6 + 0.8 * rnd.nextDouble(); // drawn for every pixel: a fixed-length stream
                if (!inSector(x, y)) {
                    out[y * SIZE + x] = 0;
                    continue;
                }
                double v = tissue;
                for (Chamber c : chambers) {
                    double d = distance(c, x + 0.5, y + 0.5);
                    if (d < 1 + c.wall / Math.min(c.a, c.b)) {
                        v = 205;
                    }
                }
                for (Chamber c : chambers) {
                    if (distance(c, x + 0.5, y + 0.5) < 1) {
                        v = 14;
                    }
                }
                out[y * SIZE + x] = (byte) Math.min(255, (int) Math.round(v * speckle));
            }
        }
    }

    /** A fan from the apex at the top centre, 80 degrees wide, 106 pixels deep. */
    private static boolean inSector(int x, int y) {
        double px = x + 0.5 - SIZE / 2.0;
        double py = y + 0.5 - 2;
        double r = Math.hypot(px, py);
        return py > 0 && r < 106 && Math.abs(Math.atan2(px, py)) < Math.toRadians(40);
    }

    /** Elliptic distance of a point from a chamber's centre: 1 on its boundary. */
    private static double distance(Chamber c, double x, double y) {
        double cos = Math.cos(c.angle);
        double sin = Math.sin(c.angle);
        double u = (x - c.cx) * cos + (y - c.cy) * sin;
        double v = -(x - c.cx) * sin + (y - c.cy) * cos;
        return Math.sqrt((u / c.a) * (u / c.a) + (v / c.b) * (v / c.b));
    }
}
