package org.etab.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole objects on local disk, bounded in size, evicted least recently used first.
 *
 * <p>Layout: the cache lives in its own subdirectory, {@code <dir>/}{@value CacheDirectory#SUBDIR}, which it creates (owner-only
 * permissions on POSIX systems) together with a marker file, {@value CacheDirectory#MARKER}. It only ever lists, reads or deletes
 * inside that subdirectory, and there only files named as it names them ({@code <sha256-hex>.obj}, and
 * {@code <sha256-hex><digits>.tmp} while one is written): the user's own files in {@code <dir>}, whatever their
 * names, are never touched. An existing {@value CacheDirectory#SUBDIR} without the marker that holds anything is refused, as is
 * one that other users may write to (they could plant entries).
 *
 * <p>File format: {@code "ETABHC2\n"}, the body length (8 bytes), a CRC32C (8 bytes) of what follows, the length of
 * the validators (4 bytes), the validators (UTF-8 {@code ETag}, newline, {@code Last-Modified}; empty when absent),
 * then the body. A file whose lengths or checksum do not match is deleted and treated as a miss, so a partial or
 * corrupt file is never served. Files are written to a temp name and moved into place, so readers never see one
 * half written. The checksum guards against accidents, not forgery: whether an entry is still the server's object
 * is decided by revalidating it ({@link HttpStore}).
 *
 * <p><b>Threading:</b> thread-safe; every method does blocking file I/O (callers run it on a blocking-capable
 * scheduler). Last access is the file's modification time, so the LRU order survives a restart.
 *
 * <p><b>Ownership:</b> {@link #read} returns a fresh heap buffer the caller owns.
 *
 * <p>Several processes may share the directory (the ranks of a job): each lists it again after every 1/16 of the
 * bound it writes, and evicts the least recently used entries of all of them, so the directory holds at most the
 * bound plus, per process writing, 1/16 of it and the object being stored. (Before, each process counted only its own files: four ranks kept four
 * times the bound.)
 */
final class DiskCache {
    /** The fixed part of a file's header; the validators follow it. */
    static final int HEADER = 8 + 8 + 8 + 4;

    private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);
    private static final byte[] MAGIC = "ETABHC2\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_VALIDATORS = 16 * 1024; // ETag and Last-Modified: a few dozen bytes in practice

    private static final int LOGGED_WRITE_FAILURES = 3;
    /** The directory is listed again after each 1/16 of the bound this process writes ({@link #put}). */
    private static final long RESCAN_FRACTION = 16;

    private final Path dir;
    private final long maxBytes;
    private final Map<String, Entry> entries = new HashMap<>();
    /** Writes that failed: the first few are logged one by one, then once that more fail (a full disk fails them all). */
    private final AtomicInteger writeFailures = new AtomicInteger();

    private long totalBytes;
    /** File bytes this process has written since it last listed the directory ({@link #scan}). */
    private long writtenSinceScan;

    private record Entry(long fileBytes, long lastAccessNanos) {}

    /** A verified cache entry (its body and the validators it was stored with), or a fetched body and its response's. */
    record Cached(ByteBuffer body, Validators validators) {}

    /**
     * Opens (creating it when absent) the cache in {@code parent}/{@value CacheDirectory#SUBDIR}.
     *
     * @throws IOException when the subdirectory cannot be made, or exists and is not a cache's, or others can write it
     */
    DiskCache(Path parent, long maxBytes) throws IOException {
        this.dir = CacheDirectory.claim(parent);
        this.maxBytes = maxBytes;
        synchronized (this) {
            scan();
            evict();
        }
    }

    /**
     * Rebuilds the index from the directory (under the lock): the files of other processes sharing it included, so
     * that eviction counts them, and without the entries they evicted ({@link CacheDirectory#entries}).
     */
    private void scan() throws IOException {
        entries.clear();
        CacheDirectory.entries(dir).forEach((key, f) -> entries.put(key, new Entry(f.bytes(), f.modifiedNanos())));
        totalBytes = entries.values().stream().mapToLong(Entry::fileBytes).sum();
        writtenSinceScan = 0;
    }

    /** A stable file-name-safe key (SHA-256 hex) for an object's identity (its URL without the query string). */
    static String key(String identity) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The directory the cache owns ({@code parent}/{@value CacheDirectory#SUBDIR}). */
    Path dir() {
        return dir;
    }

    /** An upper bound of the body's size if the object is cached (per the index, not yet verified), else -1. */
    synchronized long size(String key) {
        Entry e = entries.get(key);
        return e == null ? -1 : Math.max(0, e.fileBytes - HEADER);
    }

    /** The validators stored with an entry (read from its header, the body unchecked), or null on a miss. */
    Validators validators(String key) {
        synchronized (this) {
            if (!entries.containsKey(key)) {
                return null;
            }
        }
        try (FileChannel ch = FileChannel.open(file(key), StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(HEADER);
            int metaLength = readHeader(key, ch, head);
            if (metaLength < 0) {
                return null;
            }
            ByteBuffer meta = ByteBuffer.allocate(metaLength);
            readFully(ch, meta);
            return decode(meta.flip());
        } catch (NoSuchFileException e) {
            forget(key);
            return null;
        } catch (ClosedByInterruptException cancelled) {
            return null; // the fetch was cancelled (a stopped run, take(n)): the entry is as good as it was
        } catch (IOException e) {
            LOG.warn("cache: cannot read {}: {}", file(key), e.toString());
            return null;
        }
    }

    /** The verified entry, or null on a miss (a bad file is deleted and counts as a miss). */
    Cached read(String key) {
        Path f = file(key);
        Cached cached;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(HEADER);
            int metaLength = readHeader(key, ch, head);
            if (metaLength < 0) {
                return null;
            }
            long crc = head.getLong(16);
            ByteBuffer rest = ByteBuffer.allocate((int) (ch.size() - HEADER));
            readFully(ch, rest);
            rest.flip();
            if (crc32c(rest) != crc) {
                discard(key, "checksum mismatch");
                return null;
            }
            Validators v = decode(rest.slice(0, metaLength));
            cached = new Cached(rest.slice(metaLength, rest.limit() - metaLength), v);
        } catch (NoSuchFileException e) {
            forget(key); // evicted by another process
            return null;
        } catch (ClosedByInterruptException cancelled) {
            return null; // as in validators(): not the disk's fault
        } catch (IOException e) {
            LOG.warn("cache: cannot read {}: {}", f, e.toString());
            return null;
        }
        long accessed = touch(f);
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                entries.put(key, new Entry(e.fileBytes, accessed));
            }
        }
        return cached;
    }

    /**
     * Stores a copy of {@code body}'s remaining bytes (its position is not moved) with the validators the server sent
     * for it; failures are logged, not thrown. When the body is not stored (larger than the bound, a write failed),
     * an older entry under the key is deleted: it is not this body, and must not be served in its place.
     *
     * @return true when the entry now holds {@code body}
     */
    boolean put(String key, ByteBuffer body, Validators validators) {
        ByteBuffer meta = encode(validators);
        long fileBytes = HEADER + (long) meta.remaining() + body.remaining();
        if (fileBytes > maxBytes || fileBytes - HEADER > Integer.MAX_VALUE - 8) {
            drop(key, "the newer copy is larger than the cache's bound"); // would evict everything and not fit
            return false;
        }
        Path tmp = null;
        long written;
        try {
            tmp = Files.createTempFile(dir, key, ".tmp");
            CRC32C crc = new CRC32C();
            crc.update(meta.duplicate());
            crc.update(body.duplicate());
            ByteBuffer head = ByteBuffer.allocate(HEADER)
                    .put(MAGIC)
                    .putLong(body.remaining())
                    .putLong(crc.getValue())
                    .putInt(meta.remaining());
            head.flip();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeFully(ch, head);
                writeFully(ch, meta);
                writeFully(ch, body.duplicate());
            }
            written = touch(tmp);
            try {
                Files.move(tmp, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING); // same directory: atomic on POSIX
            }
            tmp = null;
        } catch (ClosedByInterruptException cancelled) {
            remove(key); // not the disk's fault, so not a warning; the older entry is still not this body
            return false;
        } catch (IOException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                // deleted under a running job (to free space, say): one line says so, not one per object
                if (writeFailures.getAndSet(LOGGED_WRITE_FAILURES + 1) <= LOGGED_WRITE_FAILURES) {
                    LOG.warn("cache: {} was removed while in use; the objects are served without the cache", dir);
                }
                forgetAll();
                return false;
            }
            int failures = writeFailures.incrementAndGet();
            if (failures <= LOGGED_WRITE_FAILURES) {
                LOG.warn("cache: cannot write {}: {}", file(key), e.toString());
            } else if (failures == LOGGED_WRITE_FAILURES + 1) {
                LOG.warn(
                        "cache: more writes to {} fail (full or read-only?): not logged one by one; the objects are "
                                + "served without the cache",
                        dir);
            }
            drop(key, "the newer copy could not be written");
            return false;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stale temp file is removed at the next start
                }
            }
        }
        synchronized (this) {
            Entry old = entries.put(key, new Entry(fileBytes, written));
            totalBytes += fileBytes - (old == null ? 0 : old.fileBytes);
            writtenSinceScan += fileBytes;
            if (writtenSinceScan >= maxBytes / RESCAN_FRACTION) {
                try {
                    scan(); // the other processes' files count against the bound too
                } catch (IOException e) {
                    // the directory cannot be listed now: evict by this process's own index until the next scan
                }
            }
            evict();
        }
        return true;
    }

    /**
     * Sets the file's modification time, the entry's last access, to now by the same clock for reads and writes, and
     * returns it in nanoseconds since the epoch. A write's own time would not do: the kernel stamps it from a clock
     * that lags the one a touch reads by up to a tick (measured: 7 ms), so an entry written right after another was
     * read looked older than it and was evicted first.
     */
    private static long touch(Path f) {
        Instant now = Instant.now();
        try {
            Files.setLastModifiedTime(f, FileTime.from(now));
        } catch (IOException e) {
            // the entry stays usable; only its LRU position after a restart or a rescan is stale
        }
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    /** Deletes the entry under {@code key}, if there is one (why: for the log). */
    private void drop(String key, String why) {
        synchronized (this) {
            if (!entries.containsKey(key)) {
                return;
            }
        }
        discard(key, why);
    }

    synchronized long totalBytes() {
        return totalBytes;
    }

    Path file(String key) {
        return dir.resolve(key + CacheDirectory.OBJECT_SUFFIX);
    }

    // under the lock: drop least recently used whole objects until the total fits
    private void evict() {
        if (totalBytes <= maxBytes) {
            return;
        }
        List<Map.Entry<String, Entry>> byAge = entries.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> e.getValue().lastAccessNanos))
                .toList();
        for (Map.Entry<String, Entry> e : byAge) {
            if (totalBytes <= maxBytes) {
                break;
            }
            try {
                Files.deleteIfExists(file(e.getKey()));
            } catch (IOException ex) {
                LOG.warn("cache: cannot evict {}: {}", file(e.getKey()), ex.toString());
                continue;
            }
            entries.remove(e.getKey());
            totalBytes -= e.getValue().fileBytes;
        }
    }

    /**
     * Reads the entry's header into {@code head} (flipped) and checks it against the file's size.
     *
     * @return the length of its validators, or -1 when the header does not match (the entry then discarded)
     */
    private int readHeader(String key, FileChannel ch, ByteBuffer head) throws IOException {
        long size = ch.size();
        if (size < HEADER) {
            discard(key, "size " + size);
            return -1;
        }
        readFully(ch, head);
        head.flip();
        int metaLength = checkHeader(head, size);
        if (metaLength < 0) {
            discard(key, "header does not match the file's " + size + " bytes");
        }
        return metaLength;
    }

    /** The validators' length if the header fits a file of {@code size} bytes, else -1. */
    private static int checkHeader(ByteBuffer head, long size) {
        byte[] magic = new byte[MAGIC.length];
        head.get(0, magic);
        long length = head.getLong(8);
        int metaLength = head.getInt(24);
        boolean ok = Arrays.equals(magic, MAGIC)
                && metaLength >= 0
                && metaLength <= MAX_VALIDATORS
                && length >= 0
                && length == size - HEADER - metaLength
                && size - HEADER <= Integer.MAX_VALUE - 8;
        return ok ? metaLength : -1;
    }

    private static ByteBuffer encode(Validators v) {
        String text = (v.etag() == null ? "" : v.etag()) + "\n" + (v.lastModified() == null ? "" : v.lastModified());
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.wrap(b.length <= MAX_VALIDATORS ? b : "\n".getBytes(StandardCharsets.UTF_8));
    }

    private static Validators decode(ByteBuffer meta) {
        String text = StandardCharsets.UTF_8.decode(meta.duplicate()).toString();
        int nl = text.indexOf('\n');
        if (nl < 0) {
            return Validators.NONE;
        }
        String etag = text.substring(0, nl);
        String modified = text.substring(nl + 1);
        return new Validators(etag.isEmpty() ? null : etag, modified.isEmpty() ? null : modified);
    }

    private void discard(String key, String why) {
        LOG.warn("cache: discarding {} ({})", file(key), why);
        remove(key);
    }

    /** Deletes the entry's file, if any, and forgets it. */
    private void remove(String key) {
        try {
            Files.deleteIfExists(file(key));
        } catch (IOException e) {
            LOG.warn("cache: cannot delete {}: {}", file(key), e.toString());
        }
        forget(key);
    }

    /** Empties the index: its files are gone with the directory. */
    private synchronized void forgetAll() {
        entries.clear();
        totalBytes = 0;
    }

    private synchronized void forget(String key) {
        Entry old = entries.remove(key);
        if (old != null) {
            totalBytes -= old.fileBytes;
        }
    }

    private static long crc32c(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        return crc.getValue();
    }

    private static void readFully(FileChannel ch, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (ch.read(dst) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            ch.write(src);
        }
    }
}
