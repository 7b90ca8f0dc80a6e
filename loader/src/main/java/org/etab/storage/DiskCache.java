package org.etab.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole objects on local disk, bounded in size, evicted least recently used first.
 *
 * <p>File format: {@code "ETABHC1\n"}, the body length (8 bytes), the body's CRC32C (8 bytes), then the body. A
 * file whose length or checksum does not match is deleted and treated as a miss, so a partial or corrupt file is
 * never served. Files are written to a temp name and moved into place, so readers never see one half written.
 *
 * <p><b>Threading:</b> thread-safe; every method does blocking file I/O (callers run it on a blocking-capable
 * scheduler). Last access is the file's modification time, so the LRU order survives a restart.
 *
 * <p><b>Ownership:</b> {@link #read} returns a fresh heap buffer the caller owns.
 *
 * <p>Limit: the size accounting is per process; several processes sharing one directory can each fill it to the
 * bound before seeing the others' files (eviction by any of them then catches up on its next scan).
 */
final class DiskCache {
    private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);
    private static final byte[] MAGIC = "ETABHC1\n".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = MAGIC.length + 16;
    private static final String SUFFIX = ".obj";
    private static final Duration STALE_TEMP = Duration.ofMinutes(10);

    private final Path dir;
    private final long maxBytes;
    private final Map<String, Entry> entries = new HashMap<>();
    private long totalBytes;

    private record Entry(long fileBytes, long lastAccessMillis) {}

    DiskCache(Path dir, long maxBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        long now = System.currentTimeMillis();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    entries.put(name.substring(0, name.length() - SUFFIX.length()),
                            new Entry(Files.size(f), Files.getLastModifiedTime(f).toMillis()));
                } else if (name.endsWith(".tmp")
                        && now - Files.getLastModifiedTime(f).toMillis() > STALE_TEMP.toMillis()) {
                    Files.deleteIfExists(f); // left by a writer that died; a live one finishes well within minutes
                }
            }
        }
        totalBytes = entries.values().stream().mapToLong(Entry::fileBytes).sum();
        evict();
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

    /** The body's size if the object is cached (per the index, not yet verified), else -1. */
    synchronized long size(String key) {
        Entry e = entries.get(key);
        return e == null ? -1 : Math.max(0, e.fileBytes - HEADER);
    }

    /** The verified body, or null on a miss (a bad file is deleted and counts as a miss). */
    ByteBuffer read(String key) {
        Path f = file(key);
        ByteBuffer body;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER || size - HEADER > Integer.MAX_VALUE) {
                return corrupt(key, "size " + size);
            }
            ByteBuffer head = ByteBuffer.allocate(HEADER);
            readFully(ch, head);
            head.flip();
            byte[] magic = new byte[MAGIC.length];
            head.get(magic);
            long length = head.getLong();
            long crc = head.getLong();
            if (!java.util.Arrays.equals(magic, MAGIC) || length != size - HEADER) {
                return corrupt(key, "header says " + length + " bytes, file holds " + (size - HEADER));
            }
            body = ByteBuffer.allocate((int) length);
            readFully(ch, body);
            body.flip();
            if (crc32c(body) != crc) {
                return corrupt(key, "checksum mismatch");
            }
        } catch (NoSuchFileException e) {
            forget(key); // evicted by another process
            return null;
        } catch (IOException e) {
            LOG.warn("cache: cannot read {}: {}", f, e.toString());
            return null;
        }
        try {
            Files.setLastModifiedTime(f, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // the entry stays usable; only its LRU position is stale
        }
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                entries.put(key, new Entry(e.fileBytes, System.currentTimeMillis()));
            }
        }
        return body;
    }

    /** Stores a copy of {@code body}'s remaining bytes (its position is not moved); failures are logged, not thrown. */
    void put(String key, ByteBuffer body) {
        long fileBytes = HEADER + (long) body.remaining();
        if (fileBytes > maxBytes) {
            return; // would evict everything and still not fit
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, key, ".tmp");
            ByteBuffer head = ByteBuffer.allocate(HEADER).put(MAGIC).putLong(body.remaining()).putLong(crc32c(body));
            head.flip();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeFully(ch, head);
                writeFully(ch, body.duplicate());
            }
            try {
                Files.move(tmp, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING); // same directory: atomic on POSIX
            }
            tmp = null;
        } catch (IOException e) {
            LOG.warn("cache: cannot write {}: {}", file(key), e.toString());
            return;
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
            Entry old = entries.put(key, new Entry(fileBytes, System.currentTimeMillis()));
            totalBytes += fileBytes - (old == null ? 0 : old.fileBytes);
            evict();
        }
    }

    synchronized long totalBytes() {
        return totalBytes;
    }

    Path file(String key) {
        return dir.resolve(key + SUFFIX);
    }

    // under the lock: drop least recently used whole objects until the total fits
    private void evict() {
        if (totalBytes <= maxBytes) {
            return;
        }
        List<Map.Entry<String, Entry>> byAge = entries.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> e.getValue().lastAccessMillis))
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

    private ByteBuffer corrupt(String key, String why) {
        LOG.warn("cache: discarding {} ({})", file(key), why);
        try {
            Files.deleteIfExists(file(key));
        } catch (IOException e) {
            LOG.warn("cache: cannot delete {}: {}", file(key), e.toString());
        }
        forget(key);
        return null;
    }

    private synchronized void forget(String key) {
        Entry old = entries.remove(key);
        if (old != null) {
            totalBytes -= old.fileBytes;
        }
    }

    private static long crc32c(ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
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
