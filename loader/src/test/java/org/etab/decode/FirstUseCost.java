package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Hand-run benchmark (not a test): what a video's first use costs against a later one, in CPU time of the calling
 * thread (robust on a shared machine), over every {@code .avi} of a directory, e.g. the W1 phantom's
 * {@code Videos/}. Per video and round, a 32-frame every-2nd-frame clip from frame 0: (scan) the container decode
 * plus {@link VideoDecoder#layout(VideoInput)}, what a first use cost before; (index) the container decode learning the
 * layout from the AVI index in the same open; (span) the later uses: one positional read and {@link SpanDecode}.
 * Also checks that both ways give the same layout for every video. Prints medians of per-video microseconds per
 * round. Usage (from {@code loader/}, classpath as in {@link DecodeThroughput}):
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) org.etab.decode.FirstUseCost DIR [rounds]}.
 */
public final class FirstUseCost {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        VideoDecoder.setLogLevel(AV_LOG_QUIET);
        List<Path> videos;
        try (Stream<Path> s = Files.list(dir)) {
            videos = s.filter(p -> p.toString().endsWith(".avi")).sorted().toList();
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        GrayFrameSink ignore = (p, g, w, h) -> {};
        int[] clip = new int[32];
        Arrays.setAll(clip, i -> 2 * i);
        try (VideoDecoder decoder = new VideoDecoder()) {
            int same = 0;
            for (Path v : videos) {
                VideoLayout[] learned = {null};
                decoder.decode(VideoInput.of(v), clip, ignore, Long.MAX_VALUE, l -> learned[0] = l);
                if (learned[0] != null && learned[0].equals(decoder.layout(VideoInput.of(v)))) {
                    same++;
                }
            }
            System.out.printf(
                    "%d videos, %d with the same layout from the index and from the packets%n", videos.size(), same);
            ByteBuffer buf = ByteBuffer.allocate(8 << 20);
            for (int r = 0; r < rounds; r++) {
                long scan = 0;
                long index = 0;
                long span = 0;
                for (Path v : videos) {
                    long t0 = cpu.getCurrentThreadCpuTime();
                    decoder.decode(VideoInput.of(v), clip, ignore);
                    VideoLayout layout = decoder.layout(VideoInput.of(v));
                    long t1 = cpu.getCurrentThreadCpuTime();
                    decoder.decode(VideoInput.of(v), clip, ignore, Long.MAX_VALUE, l -> {});
                    long t2 = cpu.getCurrentThreadCpuTime();
                    long[] range = layout.span(clip);
                    buf.clear().limit((int) (range[1] - range[0]));
                    try (FileChannel ch = FileChannel.open(v)) {
                        while (buf.hasRemaining() && ch.read(buf, range[0] + buf.position()) >= 0) {
                            // positional reads until the span is in
                        }
                    }
                    decoder.decode(layout, buf.flip(), range[0], v.toString(), clip, ignore, Long.MAX_VALUE);
                    long t3 = cpu.getCurrentThreadCpuTime();
                    scan += t1 - t0;
                    index += t2 - t1;
                    span += t3 - t2;
                }
                int n = videos.size();
                System.out.printf(
                        "round %d: per video, CPU us: first use decode+scan %.0f, decode+index %.0f,"
                                + " later use (span) %.0f%n",
                        r, scan / 1e3 / n, index / 1e3 / n, span / 1e3 / n);
            }
        }
    }
}
