package org.etab.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one directory a {@link DiskCache} owns inside the user's cache directory: made owner-only and marked, or
 * adopted when it already carries the marker. Anything else of that name is refused, so the cache never deletes a
 * file it did not write, and never serves an entry other users could have planted. Listing it ({@link #entries})
 * looks only at the names the cache gives its files.
 *
 * <p>Threading: stateless; two processes claiming the same directory at once both succeed.
 */
final class CacheDirectory {
    /** The subdirectory of the user's cache directory that the cache owns. */
    static final String SUBDIR = "etab-cache-v1";
    /** The marker file that says {@link #SUBDIR} is a cache's. */
    static final String MARKER = "ETAB-CACHE";

    /** An entry's file name: its key, then this. */
    static final String OBJECT_SUFFIX = ".obj";

    private static final Pattern OBJECT = Pattern.compile("[0-9a-f]{64}\\.obj");
    private static final Pattern TEMP = Pattern.compile("[0-9a-f]{64}[0-9]+\\.tmp");
    private static final Duration STALE_TEMP = Duration.ofMinutes(10);
    private static final String MARKER_TEXT = "etab-stream's HTTP object cache: every file in this directory belongs "
            + "to it and may be deleted by it.\n";

    private CacheDirectory() {}

    /**
     * Makes or adopts {@code parent/}{@value #SUBDIR}: the cache's when it has the marker, or is new or empty.
     *
     * @return the claimed subdirectory
     * @throws IOException naming the directory and what to do, when {@code parent} or the subdirectory is not a
     *                     directory, the subdirectory holds files without the marker, or others may write to it
     */
    static Path claim(Path parent) throws IOException {
        Path sub = parent.resolve(SUBDIR);
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException notADirectory) {
            // its own message is the path alone
            throw new IOException(parent + " exists and is not a directory; choose another cache directory");
        }
        boolean posix = Files.getFileStore(parent).supportsFileAttributeView(PosixFileAttributeView.class);
        try {
            if (posix) {
                Files.createDirectory(
                        sub, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(sub);
            }
        } catch (FileAlreadyExistsException exists) {
            if (!Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(sub + " exists and is not a directory: it is not an etab cache; choose another "
                        + "cache directory");
            }
        }
        Path marker = sub.resolve(MARKER);
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            // the marker itself is not counted: another rank starting at the same moment may have written it
            // between the check above and this listing (a fresh directory then looked like a stranger's)
            try (Stream<Path> files = Files.list(sub)) {
                if (files.anyMatch(f -> !f.getFileName().toString().equals(MARKER))) {
                    throw new IOException(sub + " holds files but no marker file " + MARKER
                            + ": it is not an etab cache and is left alone; choose another cache directory");
                }
            }
            try {
                Files.writeString(marker, MARKER_TEXT, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException raced) {
                // another process claimed it at the same moment
            }
        }
        if (posix) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(sub, LinkOption.NOFOLLOW_LINKS);
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException(sub + " may be written by other users (" + PosixFilePermissions.toString(perms)
                        + "), who could plant cache entries; run chmod 700 on it, or choose another cache directory");
            }
        }
        return sub;
    }

    /** An entry's file as listed: its size and last modification (the cache's last access), in epoch nanoseconds. */
    record EntryFile(long bytes, long modifiedNanos) {}

    /**
     * The entries in {@code dir} by key, the files of other processes sharing it included; a file that vanishes while
     * it is looked at (another process evicted it) is left out. Temp files older than {@link #STALE_TEMP} are deleted:
     * left by a writer that died, as a live one finishes well within minutes. Only names the cache gives are looked at.
     */
    static Map<String, EntryFile> entries(Path dir) throws IOException {
        long now = System.currentTimeMillis();
        Map<String, EntryFile> found = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                try {
                    BasicFileAttributes a =
                            Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (!a.isRegularFile()) {
                        continue;
                    }
                    if (OBJECT.matcher(name).matches()) {
                        found.put(
                                name.substring(0, name.length() - OBJECT_SUFFIX.length()),
                                new EntryFile(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
                    } else if (TEMP.matcher(name).matches()
                            && now - a.lastModifiedTime().toMillis() > STALE_TEMP.toMillis()) {
                        Files.deleteIfExists(f);
                    }
                } catch (NoSuchFileException evictedMeanwhile) {
                    // not there any more: nothing to count
                }
            }
        }
        return found;
    }
}
