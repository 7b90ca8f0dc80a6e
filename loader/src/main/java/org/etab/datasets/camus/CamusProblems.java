package org.etab.datasets.camus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.etab.source.IndexProblem;
import org.etab.source.Split;

/**
 * What {@link CamusReader} left out, in the order it was found: every problem, and among them the patients or views
 * it rejected (which become rows of {@link CamusIndex#rejected}).
 *
 * <p>Threading: one reader's, on its thread.
 */
final class CamusProblems {
    final List<IndexProblem> all = new ArrayList<>();
    final List<CamusIndex.Rejected> rejected = new ArrayList<>();

    /** A problem that leaves no patient or view out (a list entry, a stray directory, missing ground truth). */
    void add(IndexProblem p) {
        all.add(p);
    }

    /** A patient ({@code view} null: both views) or one view left out; {@code split} null: in no list. */
    void reject(IndexProblem p, Split split, CamusView view) {
        all.add(p);
        rejected.add(new CamusIndex.Rejected(p, split, view));
    }

    /** {@code p} as a problem names it: relative to the release directory, with {@code /}. */
    static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}
