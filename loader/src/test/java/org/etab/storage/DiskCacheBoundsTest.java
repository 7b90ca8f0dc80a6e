package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk cache's bounds, each on both sides: an entry as large as the bound, a total exactly the bound, the
 * validators' length, a file's header against the file's size, and a process sharing the directory with another.
 */
class DiskCacheBoundsTest {
    private static final Validators V = new Validators("\"5f3a-2710\"", "Tue, 01 Dec 2026 10:00:00 GMT");
    /** The validators as an entry's file stores them: ETag, newline, Last-Modified. */
    private static final int V_BYTES = (V.etag() + "\n" + V.lastModified()).length();

    @TempDir
    Path temp;

    /** The size of an entry's file holding {@code bodyBytes} with {@link #V}. */
    private static long fileBytes(int bodyBytes) {
        return DiskCache.HEADER + V_BYTES + bodyBytes;
    }

    @Test
    void anEntryAsLargeAsTheBoundIsKeptAndALargerCopyDeletesIt() throws IOException {
        DiskCache cache = newCache(fileBytes(1000));
        String key = DiskCache.key("k");
        assertThat(cache.put(key, DiskCacheTest.body(1000, 1), V)).isTrue();
        assertThat(cache.read(key).body()).isEqualTo(DiskCacheTest.body(1000, 1));
        assertThat(cache.size(key)).isEqualTo(V_BYTES + 1000); // the body's upper bound: body and validators
        assertThat(cache.totalBytes()).isEqualTo(fileBytes(1000));

        assertThat(cache.put(key, DiskCacheTest.body(1001, 2), V)).isFalse(); // one byte over the bound
        assertThat(cache.file(key)).doesNotExist(); // the older copy is not this body
        assertThat(cache.size(key)).isEqualTo(-1);
        assertThat(cache.totalBytes()).isZero();
    }

    @Test
    void evictionStopsOnceTheTotalIsExactlyTheBound() throws IOException {
        DiskCache cache = newCache(2 * fileBytes(1000));
        for (int i = 1; i <= 3; i++) {
            assertThat(cache.put(DiskCache.key("k" + i), DiskCacheTest.body(1000, i), V))
                    .isTrue();
        }
        assertThat(cache.size(DiskCache.key("k1"))).isEqualTo(-1); // the least recently used goes
        assertThat(cache.read(DiskCache.key("k2"))).isNotNull(); // and no more than it
        assertThat(cache.read(DiskCache.key("k3"))).isNotNull();
        assertThat(cache.totalBytes()).isEqualTo(2 * fileBytes(1000));
    }

    @Test
    void replacingAnEntryCountsOnlyTheNewCopy() throws IOException {
        DiskCache cache = newCache(1 << 20);
        String key = DiskCache.key("k");
        cache.put(key, DiskCacheTest.body(5000, 1), V);
        cache.put(key, DiskCacheTest.body(1000, 2), V);
        assertThat(cache.totalBytes()).isEqualTo(fileBytes(1000));
    }

    /**
     * After 1/16 of the bound written, a process lists the directory again and counts what another process wrote
     * since: here 16 entries of a bound of 16 another process wrote, then one of its own.
     */
    @Test
    void aProcessThatHasWrittenASixteenthOfTheBoundCountsTheOthersEntries() throws IOException {
        long bound = 16 * fileBytes(1000);
        DiskCache rank0 = newCache(bound);
        DiskCache rank1 = newCache(bound);
        for (int i = 0; i < 16; i++) {
            assertThat(rank1.put(DiskCache.key("r1/" + i), DiskCacheTest.body(1000, i), V))
                    .isTrue();
        }
        assertThat(rank0.put(DiskCache.key("r0"), DiskCacheTest.body(1000, -1), V))
                .isTrue();
        assertThat(rank0.totalBytes()).isEqualTo(bound);
        assertThat(entryBytesIn(rank0.dir())).isEqualTo(bound);
        assertThat(rank0.read(DiskCache.key("r0"))).isNotNull(); // its own newest entry stays
    }

    @Test
    void validatorsUpToTheirLimitAreKeptAndLongerOnesAreStoredAsNone() throws IOException {
        DiskCache cache = newCache(1 << 20);
        Validators longest = new Validators("x".repeat(16 * 1024 - 1), null); // with the newline: 16 KiB
        Validators tooLong = new Validators("x".repeat(16 * 1024), null);
        cache.put(DiskCache.key("longest"), DiskCacheTest.body(10, 1), longest);
        cache.put(DiskCache.key("too long"), DiskCacheTest.body(10, 2), tooLong);
        assertThat(cache.validators(DiskCache.key("longest"))).isEqualTo(longest);
        assertThat(cache.read(DiskCache.key("too long")).validators()).isEqualTo(Validators.NONE);
        assertThat(cache.read(DiskCache.key("too long")).body()).isEqualTo(DiskCacheTest.body(10, 2));
    }

    /**
     * A header whose body is larger than a heap buffer may be ({@code Integer.MAX_VALUE - 8} bytes after the fixed
     * header) is refused without reading it; one at that size is still read (its validators only: no body is read).
     * The files are sparse: nothing is written but the header.
     */
    @Test
    void aFileLargerThanAHeapBufferIsRefusedOnItsHeader() throws IOException {
        long largest = DiskCache.HEADER + (long) Integer.MAX_VALUE - 8;
        Path fits = plant("fits", largest, largest - DiskCache.HEADER - V_BYTES, V_BYTES);
        Path over = plant("over", largest + 1, largest + 1 - DiskCache.HEADER - V_BYTES, V_BYTES);
        DiskCache cache = newCache(Long.MAX_VALUE);
        assertThat(cache.validators(DiskCache.key("fits"))).isEqualTo(V);
        assertThat(cache.validators(DiskCache.key("over"))).isNull();
        assertThat(over).doesNotExist();
        assertThat(fits).exists();
    }

    /** Lengths in the header that add up to the file's size, one of them negative: a miss, and the file deleted. */
    @Test
    void aNegativeLengthInTheHeaderIsAMissAndIsDeleted() throws IOException {
        long size = DiskCache.HEADER + V_BYTES;
        Path negativeValidators = plant("negative validators", size, V_BYTES + 1, -1);
        Path negativeBody = plant("negative body", size, -1, V_BYTES + 1);
        DiskCache cache = newCache(1 << 20);
        assertThat(cache.validators(DiskCache.key("negative validators"))).isNull();
        assertThat(cache.validators(DiskCache.key("negative body"))).isNull();
        assertThat(negativeValidators).doesNotExist();
        assertThat(negativeBody).doesNotExist();
    }

    /** A file holding the header alone (no validators, no body) is an empty object with none. */
    @Test
    void aFileOfTheHeaderAloneIsAnEmptyEntryWithoutValidators() throws IOException {
        Path f = plant("empty", DiskCache.HEADER, 0, 0);
        DiskCache cache = newCache(1 << 20);
        DiskCache.Cached c = cache.read(DiskCache.key("empty"));
        assertThat(c.body().remaining()).isZero();
        assertThat(c.validators()).isEqualTo(Validators.NONE);
        assertThat(cache.validators(DiskCache.key("empty"))).isEqualTo(Validators.NONE);
        assertThat(f).exists();
    }

    @Test
    void aLastModifiedWithoutAnETagIsKeptAsSuch() throws IOException {
        DiskCache cache = newCache(1 << 20);
        Validators dateOnly = new Validators(null, V.lastModified());
        cache.put(DiskCache.key("k"), DiskCacheTest.body(10, 1), dateOnly);
        assertThat(cache.validators(DiskCache.key("k"))).isEqualTo(dateOnly);
    }

    @Test
    void entriesAnotherProcessEvictedAreForgottenAtTheNextListing() throws IOException {
        DiskCache rank0 = newCache(16 * fileBytes(1000)); // lists the directory again after each entry it writes
        rank0.put(DiskCache.key("a"), DiskCacheTest.body(1000, 1), V);
        newCache(1); // another process, its bound evicting every entry
        rank0.put(DiskCache.key("b"), DiskCacheTest.body(1000, 2), V);
        assertThat(rank0.size(DiskCache.key("a"))).isEqualTo(-1);
        assertThat(rank0.totalBytes()).isEqualTo(fileBytes(1000));
    }

    @Test
    void anEntryAnotherProcessWroteSinceTheLastListingIsServed() throws IOException {
        DiskCache rank0 = newCache(1 << 20);
        newCache(1 << 20).put(DiskCache.key("k"), DiskCacheTest.body(1000, 1), V);
        assertThat(rank0.read(DiskCache.key("k")).body()).isEqualTo(DiskCacheTest.body(1000, 1));
    }

    @Test
    void anEntryAnotherProcessDeletedIsAMissAndIsForgotten() throws IOException {
        DiskCache cache = newCache(1 << 20);
        for (boolean validatorsFirst : new boolean[] {true, false}) {
            String key = DiskCache.key("k" + validatorsFirst);
            cache.put(key, DiskCacheTest.body(1000, 1), V);
            Files.delete(cache.file(key));
            assertThat(validatorsFirst ? cache.validators(key) : cache.read(key))
                    .isNull();
            assertThat(cache.size(key)).isEqualTo(-1);
            assertThat(cache.totalBytes()).isZero();
        }
    }

    /**
     * An entry written since the last listing has its last access from the write, not from the listing: here a
     * small one written after a large one, the total then over the bound by less than a sixteenth of it.
     */
    @Test
    void anEntryWrittenBetweenTwoListingsIsNewerThanOneListedBefore() throws IOException {
        long bound = 20 * fileBytes(100);
        DiskCache cache = newCache(bound);
        int large = (int) (bound - fileBytes(100) / 2 - fileBytes(0)); // its file: the bound less half a small one
        cache.put(DiskCache.key("large"), DiskCacheTest.body(large, 1), V); // more than 1/16 of the bound: listed again
        cache.put(DiskCache.key("small"), DiskCacheTest.body(100, 2), V); // less: not listed
        assertThat(cache.size(DiskCache.key("large"))).isEqualTo(-1);
        assertThat(cache.read(DiskCache.key("small"))).isNotNull();
    }

    private DiskCache newCache(long bound) throws IOException {
        return new DiskCache(temp, bound);
    }

    /**
     * Writes an entry's file as another writer might have: {@code "ETABHC2\n"}, the body length, a CRC32C of 0, the
     * validators' length, then {@link #V}'s validators (when they fit), the file made {@code size} bytes (sparse).
     */
    private Path plant(String identity, long size, long bodyLength, int validatorsLength) throws IOException {
        Path f = new DiskCache(temp, Long.MAX_VALUE).file(DiskCache.key(identity));
        ByteBuffer head = ByteBuffer.allocate(DiskCache.HEADER)
                .put("ETABHC2\n".getBytes(StandardCharsets.US_ASCII))
                .putLong(bodyLength)
                .putLong(0)
                .putInt(validatorsLength);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(head.array());
            if (size >= DiskCache.HEADER + V_BYTES) {
                raf.write((V.etag() + "\n" + V.lastModified()).getBytes(StandardCharsets.UTF_8));
            }
            raf.setLength(size);
        }
        return f;
    }

    private static long entryBytesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(CacheDirectory.OBJECT_SUFFIX))
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }
}
