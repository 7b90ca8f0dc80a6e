package org.etab.synth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/** Minimal, independent readers for the phantom's files, so the tests do not trust the code under test. */
public final class PhantomFiles {

    private PhantomFiles() {}

    public record Row(
            String name, double ef, double esv, double edv, int height, int width, int fps, int frames, String split) {}

    /** One traced frame: rows in file order (row 0 the long axis). */
    public record Group(int frame, List<double[]> rows) {
        public double[] axis() {
            return rows.get(0);
        }

        public List<double[]> chords() {
            return rows.subList(1, rows.size());
        }
    }

    public static List<Row> fileList(Path root) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve("FileList.csv"));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] p = line.split(",", -1);
            rows.add(new Row(
                    p[0],
                    Double.parseDouble(p[1]),
                    Double.parseDouble(p[2]),
                    Double.parseDouble(p[3]),
                    Integer.parseInt(p[4]),
                    Integer.parseInt(p[5]),
                    Integer.parseInt(p[6]),
                    Integer.parseInt(p[7]),
                    p[8]));
        }
        return rows;
    }

    /** FileName (with .avi) to its groups in file order; a group is a maximal run of one (file, frame). */
    public static Map<String, List<Group>> tracings(Path root) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve("VolumeTracings.csv"));
        Map<String, List<Group>> out = new LinkedHashMap<>();
        String lastName = null;
        int lastFrame = -1;
        for (String line : lines.subList(1, lines.size())) {
            String[] p = line.split(",", -1);
            int frame = Integer.parseInt(p[5]);
            List<Group> groups = out.computeIfAbsent(p[0], k -> new ArrayList<>());
            if (!p[0].equals(lastName) || frame != lastFrame) {
                groups.add(new Group(frame, new ArrayList<>()));
            }
            groups.get(groups.size() - 1).rows().add(new double[] {
                Double.parseDouble(p[1]), Double.parseDouble(p[2]), Double.parseDouble(p[3]), Double.parseDouble(p[4])
            });
            lastName = p[0];
            lastFrame = frame;
        }
        return out;
    }

    /** Method of disks, written out again from the definition: sum of pi/4 d^2 L/n, pixels^3 to ml. */
    public static double volumeMl(Group g, double spacingCm) {
        double[] axis = g.axis();
        double length = Math.hypot(axis[2] - axis[0], axis[3] - axis[1]);
        double v = 0;
        for (double[] c : g.chords()) {
            double d = Math.hypot(c[2] - c[0], c[3] - c[1]);
            v += Math.PI / 4 * d * d * length / g.chords().size();
        }
        return v * spacingCm * spacingCm * spacingCm;
    }

    /**
     * Decodes frame {@code index} (0-based) of a video as gray levels, row-major, asserting on the way
     * that the decoder hands out B = G = R.
     */
    public static int[] decodeGray(Path video, int index) throws IOException {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            Frame frame = null;
            for (int i = 0; i <= index; i++) {
                frame = grabber.grabImage();
                if (frame == null) {
                    throw new IOException(video + " ended before frame " + index);
                }
            }
            ByteBuffer b = (ByteBuffer) frame.image[0];
            int w = frame.imageWidth;
            int h = frame.imageHeight;
            int[] gray = new int[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int o = y * frame.imageStride + 3 * x;
                    int blue = b.get(o) & 255;
                    int green = b.get(o + 1) & 255;
                    int red = b.get(o + 2) & 255;
                    if (Math.abs(blue - green) > 2 || Math.abs(red - green) > 2) {
                        throw new AssertionError(
                                "not gray at (" + x + "," + y + "): " + blue + "/" + green + "/" + red);
                    }
                    gray[y * w + x] = green;
                }
            }
            return gray;
        }
    }
}
