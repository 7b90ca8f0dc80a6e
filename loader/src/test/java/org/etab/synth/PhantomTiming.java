package org.etab.synth;

import java.nio.file.Path;
import org.etab.datasets.echonet.EchoNetPhantom;

/**
 * Not a test: run by hand to time the generator, e.g.
 * {@code java -cp ... org.etab.synth.PhantomTiming /tmp/phantom 200 42 2}.
 * Arguments: output directory, videos, seed, threads.
 */
public final class PhantomTiming {

    private PhantomTiming() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int videos = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        int threads = args.length > 3
                ? Integer.parseInt(args[3])
                : Runtime.getRuntime().availableProcessors();
        long t0 = System.nanoTime();
        EchoNetPhantom.Summary s = new EchoNetPhantom(EchoNetPhantom.Options.builder()
                        .videos(videos)
                        .seed(seed)
                        .threads(threads)
                        .build())
                .write(out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "%d videos, %d frames, %d bytes in %.2f s on %d threads%n",
                s.videos(), s.frames(), s.bytes(), seconds, threads);
    }
}
