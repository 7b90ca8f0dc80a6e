package org.etab.datasets.camus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.etab.source.IndexProblem;
import org.etab.source.Split;

/**
 * The usable acquisitions of a CAMUS copy and what could not be used, as built by
 * {@link CamusReader#read(Path)}. No pixels; both lists are immutable.
 *
 * @param root     the directory holding the release's folders (the given root or one level below it)
 * @param release  which release the layout is
 * @param records  one per patient and view, sorted by patient then view (2CH before 4CH)
 * @param problems every patient, view or list entry left out (or kept without ground truth), with the reason
 * @param rejected the patients and views among {@code problems} that were left out, with their split and view
 */
public record CamusIndex(
        Path root,
        CamusRelease release,
        List<CamusRecord> records,
        List<IndexProblem> problems,
        List<Rejected> rejected) {

    /**
     * A patient or one view of it left out.
     *
     * @param split null when the patient is in no split list (then it is in every split's selection)
     * @param view  null when the whole patient was left out (both views)
     */
    public record Rejected(IndexProblem problem, Split split, CamusView view) {
        /**
         * Checks that the problem is given.
         *
         * @param problem the patient's or view's id, file and reason; required
         * @param split   the patient's split, or null when it is in no split list
         * @param view    the view left out, or null when the whole patient was
         * @throws NullPointerException when {@code problem} is null
         */
        public Rejected {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /**
     * Copies the three lists, so the index is immutable.
     *
     * @param root     the directory holding the release's folders
     * @param release  which release the layout is
     * @param records  one per patient and view
     * @param problems everything left out or kept without ground truth
     * @param rejected the patients and views among {@code problems} that were left out
     * @throws NullPointerException when {@code root}, {@code release} or a list is null, or a list holds null
     */
    public CamusIndex {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(release, "release");
        records = List.copyOf(records);
        problems = List.copyOf(problems);
        rejected = List.copyOf(rejected);
    }

    /**
     * The views of one split and view selection that were left out, one per view, each with the id its samples
     * would have had ({@code patient0001_4CH}), in index order.
     *
     * @param split as for {@link #select}
     * @param view  as for {@link #select}
     * @return one problem per rejected view of the selection; immutable
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public List<IndexProblem> rejected(String split, String view) {
        Split s = parseSplit(split);
        List<CamusView> views = CamusView.select(view);
        List<IndexProblem> out = new ArrayList<>();
        for (Rejected r : rejected) {
            if (s != null && r.split() != null && r.split() != s) {
                continue;
            }
            for (CamusView v : views) {
                if (r.view() == v) {
                    out.add(r.problem());
                } else if (r.view() == null) {
                    IndexProblem p = r.problem();
                    out.add(new IndexProblem(p.id() + "_" + v.tag(), p.file(), p.reason()));
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * The records of one split and view, in index order.
     *
     * <p>Splits: the original release has {@code train} ({@code training/}) and {@code test}
     * ({@code testing/}) only, so {@code val} is an error there (split the training patients yourself, as
     * ETAB's {@code training_data_split} does); the 2023 release has {@code train}, {@code val} and
     * {@code test} from its {@code database_split} lists. {@code all} is every record.
     *
     * @param split {@code train}, {@code val}, {@code test} or {@code all}, any case
     * @param view  {@code AP2CH}, {@code AP4CH}, {@code both} or {@code all}, any case (see
     *              {@link CamusView#select})
     * @return the selected records; immutable
     * @throws IllegalArgumentException naming the bad value and the valid ones for this release
     */
    public List<CamusRecord> select(String split, String view) {
        Objects.requireNonNull(view, "view");
        List<CamusView> views = CamusView.select(view);
        Split s = parseSplit(split);
        List<CamusRecord> out = new ArrayList<>();
        for (CamusRecord r : records) {
            if ((s == null || r.split() == s) && views.contains(r.view())) {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }

    /** Null for {@code all}; {@code val} is refused for the original release, which has none. */
    private Split parseSplit(String split) {
        if (release != CamusRelease.MHD) {
            return Split.selection(split);
        }
        Split s;
        try {
            s = Split.selection(split);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "split must be one of train, test, all (any case) but was '" + split + "'");
        }
        if (s == Split.VAL) {
            throw new IllegalArgumentException("split 'val' does not exist in the original CAMUS release "
                    + "(it has training/ and testing/ only); available: train, test, all");
        }
        return s;
    }
}
