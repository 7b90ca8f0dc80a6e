package org.etab.testing;

import org.bytedeco.javacpp.Pointer;

/**
 * JavaCPP's count of live native bytes ({@link Pointer#totalBytes()}), taken once the garbage is gone. Pointers
 * nobody closed (JavaCV's encoder leaves some behind when a test writes a phantom) are freed when the GC finds
 * them, which in a JVM shared by many tests can fall inside another test's measurement and move its count. A
 * baseline taken here has no such garbage left to free.
 */
public final class NativeBytes {
    private NativeBytes() {}

    /** The live native bytes after collecting until three rounds in a row free nothing more. */
    public static long settled() {
        long last = Long.MIN_VALUE;
        int unchanged = 0;
        for (int round = 0; round < 200 && unchanged < 3; round++) {
            System.gc();
            sleep(5); // the reference handler enqueues what the collection found
            Pointer.deallocateReferences();
            long now = Pointer.totalBytes();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }
        return last;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the GC", e);
        }
    }
}
