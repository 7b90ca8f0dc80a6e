package org.etab.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** What every phantom writer shares: the output-directory guard and the seeded helpers. */
public final class Phantoms {
    /** Marks a directory as written by a phantom generator, so that a later run may replace it. */
    public static final String MARKER = ".etab-phantom";

    private Phantoms() {
    }

    /**
     * Makes {@code out} ready: creates it, accepts it empty, and refuses a non-empty directory without the marker
     * (it may hold a real dataset).
     *
     * @return true when {@code out} holds an earlier phantom: the caller clears the files it writes, so that a
     *         smaller rerun leaves nothing stale behind
     */
    public static boolean claim(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException("phantom output " + out + " exists and is not a directory");
        }
        if (!Files.isDirectory(out)) {
            Files.createDirectories(out);
            return false;
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(out)) {
            empty = entries.findAny().isEmpty();
        }
        if (empty) {
            return false;
        }
        if (!Files.isRegularFile(out.resolve(MARKER))) {
            throw new IOException("refusing to write a phantom into non-empty directory " + out
                    + ": it has no " + MARKER + " marker, so it may hold a real dataset; use an empty directory");
        }
        return true;
    }

    /** A seeded Fisher-Yates permutation of 0..n-1. */
    public static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** SplitMix64's finalizer: nearby seeds give unrelated values. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
