package org.etab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run writes ({@code --out}, {@code --report}, {@code --resume}) checked against what it reads and against each
 * other before anything is written: none inside the dataset's directory (a report named {@code FileList.csv} there
 * would replace the index), and no two the same file (a report that is the resume state, or export's own manifest, is
 * overwritten by the other). Paths are compared as they really are: links resolved, for a path that does not exist
 * yet those of its nearest existing parent; an output whose own name is a link is checked both where the link points
 * and where the link lies.
 */
final class OutputPaths {
    private OutputPaths() {}

    /** One output: the flag that names it and its path; null paths are left out. */
    record Output(String flag, Path path) {}

    /**
     * @param datasetRoot the local dataset directory the run reads, or null (a URL root)
     * @param exportDir   export's {@code --out}, or null
     * @param files       the output files ({@code --report}, {@code --resume}), their paths may be null
     * @throws IllegalArgumentException naming the flag and the path
     */
    static void check(Path datasetRoot, Path exportDir, List<Output> files) {
        Path root = datasetRoot == null ? null : real(datasetRoot);
        List<Output> all = new ArrayList<>();
        if (exportDir != null) {
            all.add(new Output("--out", exportDir));
        }
        files.stream().filter(o -> o.path() != null).forEach(all::add);
        List<Path> seen = new ArrayList<>();
        for (Output o : all) {
            Path p = real(o.path());
            // a file replaced by a rename (the resume state) replaces a link there rather than writing through it
            if (root != null && (p.startsWith(root) || placeOfName(o.path()).startsWith(root))) {
                throw new IllegalArgumentException(o.flag() + " " + Terminal.safe(o.path())
                        + " lies inside the dataset's directory " + Terminal.safe(datasetRoot)
                        + ", which a run only reads: write it elsewhere");
            }
            for (int i = 0; i < seen.size(); i++) {
                if (seen.get(i).equals(p)) {
                    throw new IllegalArgumentException(
                            o.flag() + " and " + all.get(i).flag() + " name the same file " + Terminal.safe(o.path())
                                    + ": each would overwrite the other");
                }
            }
            if (exportDir != null && o.path() != exportDir && writtenByExport(real(exportDir), p)) {
                throw new IllegalArgumentException(o.flag() + " " + Terminal.safe(o.path())
                        + " is a file export writes in --out (manifest.csv, <id>.x.npy, <id>.y.npy): name another");
            }
            seen.add(p);
        }
    }

    private static boolean writtenByExport(Path dir, Path file) {
        String name = file.getFileName().toString();
        return dir.equals(file.getParent())
                && (name.equals("manifest.csv") || name.endsWith(".npy") || name.endsWith(".npy.tmp"));
    }

    /**
     * Where the path's own name lies, its last link not followed: the directory entry a rename onto the path replaces
     * (a state file saved as {@code <name>.tmp} and moved onto a link replaces the link, in the link's folder).
     */
    private static Path placeOfName(Path path) {
        Path abs = path.toAbsolutePath();
        Path name = abs.getFileName();
        if (abs.getParent() == null
                || name == null
                || name.toString().equals("..")
                || name.toString().equals(".")) {
            return real(path);
        }
        return real(abs.getParent()).resolve(name);
    }

    /** How many links one path may pass through, as Linux's own path walk allows (ELOOP past 40). */
    private static final int MAX_LINKS = 40;

    /**
     * The path with every link resolved, as far as it exists; the rest appended as given. A dangling link counts as
     * where it points, since writing through it creates that file.
     */
    static Path real(Path path) {
        return real(path, path, 0);
    }

    private static Path real(Path given, Path path, int links) {
        // not normalized first: "link/.." is the parent of where the link points, as the file system walks it
        Path p = path.toAbsolutePath();
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p.normalize();
        }
        Path rest = existing.relativize(p);
        try {
            if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
                if (links == MAX_LINKS) {
                    throw new IllegalArgumentException(given + ": too many levels of symbolic links");
                }
                Path target = existing.resolveSibling(Files.readSymbolicLink(existing));
                return real(given, target.resolve(rest), links + 1);
            }
            return existing.toRealPath().resolve(rest).normalize(); // the rest does not exist: no links in it
        } catch (IOException e) {
            throw new UncheckedIOException(given + ": cannot be resolved: " + e.getMessage(), e);
        }
    }
}
