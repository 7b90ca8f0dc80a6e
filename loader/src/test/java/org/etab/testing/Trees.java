package org.etab.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Directory trees for tests: a dataset copied so that a test may damage its own copy. */
public final class Trees {
    private Trees() {}

    /**
     * Copies every directory and file under {@code from} to the same place under {@code to} (files copied, not
     * linked; an existing file is an error, so that a test never damages a tree it did not make).
     *
     * @return {@code to}
     */
    public static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
        return to;
    }
}
