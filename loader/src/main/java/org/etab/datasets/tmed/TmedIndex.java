package org.etab.datasets.tmed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.etab.source.IndexProblem;
import org.etab.source.Split;
import org.etab.source.Target;

/**
 * The usable labeled stills of one TMED-2 fold and what could not be used, as built by
 * {@link TmedReader#read(Path, int)}. No pixels; both lists are immutable.
 *
 * @param root     the dataset directory ({@code tmed_dir})
 * @param fold     the fold whose splits the records carry (0, 1 or 2)
 * @param records  every usable row of the fold file, in file order, Not_Provided diagnoses included
 * @param problems every row that was left out, with the file, line and reason
 * @param rejected the fold file's rows among {@code problems}, with the view and splits they name
 */
public record TmedIndex(
        Path root, int fold, List<TmedRecord> records, List<IndexProblem> problems, List<Rejected> rejected) {

    /**
     * A fold-file row left out of every target, or of one, with what could be read of it; a null field is unknown,
     * and the row is then in every selection that field filters on.
     */
    public record Rejected(IndexProblem problem, TmedView view, Split viewSplit, Split diagnosisSplit, Target target) {
        /**
         * Checks that the problem is given.
         *
         * @param problem        the row's file, line and reason; required
         * @param view           the row's view, or null when unreadable
         * @param viewSplit      the row's {@code view_classifier_split}, or null when unreadable or empty
         * @param diagnosisSplit the row's {@code diagnosis_classifier_split}, or null when unreadable or empty
         * @param target         the one target the row is left out of (its split column for it is unreadable;
         *                       it is a record for the other), or null: left out of every target
         * @throws NullPointerException when {@code problem} is null
         */
        public Rejected {
            Objects.requireNonNull(problem, "problem");
        }

        /**
         * A row left out of every target.
         *
         * @param problem        the row's file, line and reason; required
         * @param view           the row's view, or null when unreadable
         * @param viewSplit      the row's {@code view_classifier_split}, or null when unreadable or empty
         * @param diagnosisSplit the row's {@code diagnosis_classifier_split}, or null when unreadable or empty
         * @throws NullPointerException when {@code problem} is null
         */
        public Rejected(IndexProblem problem, TmedView view, Split viewSplit, Split diagnosisSplit) {
            this(problem, view, viewSplit, diagnosisSplit, null);
        }
    }

    /** The view filters {@link #select} accepts, as they appear in messages. */
    static final List<String> VIEW_FILTERS = List.of("PLAX", "PSAX", "AP4CH", "AP2CH", "PLAX+PSAX", "both", "all");

    /**
     * Copies the three lists, so the index is immutable.
     *
     * @param root     the dataset directory
     * @param fold     the fold whose splits the records carry
     * @param records  the usable rows, in file order
     * @param problems every row left out
     * @param rejected the fold file's rows among {@code problems}
     * @throws NullPointerException when {@code root} or a list is null, or a list holds null
     */
    public TmedIndex {
        Objects.requireNonNull(root, "root");
        records = List.copyOf(records);
        problems = List.copyOf(problems);
        rejected = List.copyOf(rejected);
    }

    /**
     * What one selection holds, with the problems a user of it should see.
     *
     * @param records  the selected records, in fold-file order
     * @param problems the index's problems, plus for target AS one line counting the rows of the selection
     *                 that were skipped because their diagnosis is Not_Provided, and for split {@code all} one
     *                 line counting the rows whose split column for the target is empty
     * @param rejected the rows of this selection left out: rows the index rejected, for target AS each row
     *                 whose diagnosis is Not_Provided, and for split {@code all} each row with no split for the
     *                 target
     */
    public record Selection(List<TmedRecord> records, List<IndexProblem> problems, List<IndexProblem> rejected) {
        /**
         * Copies the three lists, so the selection is immutable.
         *
         * @param records  the selected records
         * @param problems the problems a user of the selection should see
         * @param rejected the selection's rows that were left out
         * @throws NullPointerException when a list is null or holds null
         */
        public Selection {
            records = List.copyOf(records);
            problems = List.copyOf(problems);
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * The records of one split, view and target: {@code selection(split, view, target).records()}.
     *
     * @param split  as in {@link #selection}
     * @param view   as in {@link #selection}
     * @param target as in {@link #selection}
     * @return the selected records, in fold-file order; immutable
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public List<TmedRecord> select(String split, String view, Target target) {
        return selection(split, view, target).records();
    }

    /**
     * Selects records the way ETAB's options name them.
     *
     * @param split  {@code train}, {@code val}, {@code test} (any case), taken from
     *               {@code view_classifier_split} for target view and from {@code diagnosis_classifier_split}
     *               for target AS (only that column decides; a row where it is empty is in none of them); or
     *               {@code all}: every row of the fold, a row with no split for the target reported and left out
     * @param view   {@code PLAX}, {@code PSAX}, {@code AP4CH} (A4C), {@code AP2CH} (A2C) for one view;
     *               {@code PLAX+PSAX} or {@code both} for those two (ETAB's TMED view task); {@code all} for all
     *               five views, A4CorA2CorOther included. Any case.
     * @param target {@link Target#VIEW} or {@link Target#AS}; for AS, rows whose diagnosis is Not_Provided
     *               are skipped and counted in the selection's problems
     * @return the selected records with the problems and rejected rows that concern them
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public Selection selection(String split, String view, Target target) {
        Objects.requireNonNull(target, "target");
        if (!TmedSource.TARGETS.contains(target)) {
            throw new IllegalArgumentException(
                    "target '" + target.etabName() + "' is not available for tmed; " + "available: " + targetNames());
        }
        Split wanted = Split.selection(split);
        Set<TmedView> views = parseView(view);
        List<TmedRecord> out = new ArrayList<>();
        List<IndexProblem> left = new ArrayList<>();
        Set<String> leftOutOfTarget = new HashSet<>(); // records whose split for the target is unreadable
        for (Rejected r : rejected) {
            if (r.target() != null && r.target() != target) {
                continue;
            }
            if (r.target() != null) {
                leftOutOfTarget.add(r.problem().id());
            }
            Split rowSplit = target == Target.AS ? r.diagnosisSplit() : r.viewSplit();
            if ((r.view() == null || views.contains(r.view()))
                    && (wanted == null || rowSplit == null || rowSplit == wanted)) {
                left.add(r.problem());
            }
        }
        int notProvided = 0, noSplit = 0;
        String splitColumn = target == Target.AS ? "diagnosis_classifier_split" : "view_classifier_split";
        for (TmedRecord r : records) {
            if (!views.contains(r.view())) {
                continue;
            }
            if (r.split(target) == null && leftOutOfTarget.contains(r.id())) {
                continue; // reported above, in every split
            }
            if (target == Target.AS && r.diagnosis() == AsLabel.NOT_PROVIDED) {
                if (wanted == null || r.diagnosisSplit() == wanted) {
                    notProvided++;
                    left.add(new IndexProblem(
                            r.id(),
                            TmedReader.foldFile(fold),
                            "diagnosis_label is " + AsLabel.NOT_PROVIDED.label() + ": no AS class"));
                }
                continue;
            }
            if (r.split(target) == null) {
                // in no split of this target: a row of 'all' that cannot be used, and of no other split
                if (wanted == null) {
                    noSplit++;
                    left.add(new IndexProblem(
                            r.id(),
                            TmedReader.foldFile(fold),
                            splitColumn + " is empty: no split for target " + target.etabName()));
                }
                continue;
            }
            if (wanted == null || r.split(target) == wanted) {
                out.add(r);
            }
        }
        List<IndexProblem> all = new ArrayList<>(problems);
        if (notProvided > 0) {
            all.add(new IndexProblem(
                    "",
                    TmedReader.foldFile(fold),
                    "skipped " + notProvided + " row"
                            + (notProvided == 1 ? "" : "s") + " of split '" + split.trim() + "', view '" + view.trim()
                            + "' whose diagnosis_label is " + AsLabel.NOT_PROVIDED.label() + " (no AS class)"));
        }
        if (noSplit > 0) {
            all.add(new IndexProblem(
                    "",
                    TmedReader.foldFile(fold),
                    "skipped " + noSplit + " row" + (noSplit == 1 ? "" : "s") + " of split '" + split.trim()
                            + "', view '" + view.trim() + "' whose " + splitColumn + " is empty (no split for target "
                            + target.etabName() + ")"));
        }
        return new Selection(out, all, left);
    }

    /** The views an ETAB view filter keeps. */
    static Set<TmedView> parseView(String view) {
        Objects.requireNonNull(view, "view");
        String v = view.trim().toUpperCase(Locale.ROOT);
        switch (v) {
            case "PLAX":
                return EnumSet.of(TmedView.PLAX);
            case "PSAX":
                return EnumSet.of(TmedView.PSAX);
            case "AP4CH":
                return EnumSet.of(TmedView.A4C);
            case "AP2CH":
                return EnumSet.of(TmedView.A2C);
            case "PLAX+PSAX":
            case "BOTH":
                return EnumSet.of(TmedView.PLAX, TmedView.PSAX);
            case "ALL":
                return EnumSet.allOf(TmedView.class);
            default:
                throw new IllegalArgumentException("view for tmed must be one of " + String.join(", ", VIEW_FILTERS)
                        + " (any case) but was '" + view + "'");
        }
    }

    static String targetNames() {
        return TmedSource.TARGETS.stream().map(Target::etabName).collect(Collectors.joining(", "));
    }
}
