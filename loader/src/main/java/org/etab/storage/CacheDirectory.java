package org.etab.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one directory a {@link DiskCache} owns inside the user's cache directory: made owner-only and marked, or
 * adopted when it already carries the marker. Anything else of that name is refused, so the cache never deletes a
 * file it did not write, and never serves an entry other users could have planted.
 *
 * <p>Threading: stateless; two processes claiming the same directory at once both succeed.
 */
final class CacheDirectory {
    /** The subdirectory of the user's cache directory that the cache owns. */
    static final String SUBDIR = "etab-cache-v1";
    /** The marker file that says {@link #SUBDIR} is a cache's. */
    static final String MARKER = "ETAB-CACHE";

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
}
