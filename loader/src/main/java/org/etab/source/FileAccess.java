package org.etab.source;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a dataset's files may lie, by their real paths (every link resolved): under the dataset root (the default),
 * under the root or one of some extra directories (a dataset spread over disks by links), or anywhere. Whatever the
 * choice, only regular files are opened ({@link DatasetFiles}). One value, so that the choices cannot be combined
 * into something that means two things.
 *
 * @param anyLocation true: links may lead anywhere; {@code extraRoots} is then empty
 * @param extraRoots  the directories besides the root that files may lie under; immutable
 */
public record FileAccess(boolean anyLocation, List<Path> extraRoots) {
    /**
     * Copies the extra roots.
     *
     * @param anyLocation true: links may lead anywhere
     * @param extraRoots  the directories besides the root, not null; must be empty when {@code anyLocation}
     * @throws IllegalArgumentException when {@code anyLocation} is given with extra roots
     */
    public FileAccess {
        extraRoots = List.copyOf(extraRoots);
        if (anyLocation && !extraRoots.isEmpty()) {
            throw new IllegalArgumentException("extra roots " + extraRoots + " mean nothing when any location is"
                    + " allowed; give one or the other");
        }
    }

    /** {@return files under the dataset root only: the default} */
    public static FileAccess underRoot() {
        return new FileAccess(false, List.of());
    }

    /**
     * Files under the dataset root or one of {@code extraRoots} (the configuration's {@code extra_roots}).
     *
     * @param extraRoots directories, not null; each must exist when a dataset is opened
     * @return the access
     */
    public static FileAccess underRootOr(List<Path> extraRoots) {
        return new FileAccess(false, extraRoots);
    }

    /** {@return files anywhere, links outside the root followed (the CLI's {@code --allow-links-outside})} */
    public static FileAccess anywhere() {
        return new FileAccess(true, List.of());
    }
}
