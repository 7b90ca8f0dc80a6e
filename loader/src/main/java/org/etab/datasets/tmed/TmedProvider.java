package org.etab.datasets.tmed;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.etab.source.CheckedPhantom;
import org.etab.source.DatasetDescription;
import org.etab.source.DatasetFiles;
import org.etab.source.DatasetRegistry;
import org.etab.source.DescribedProvider;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;

/**
 * TMED-2 in the dataset registry: {@code tmed}, still images of five views, targets view and AS, three folds.
 * Public for {@link java.util.ServiceLoader} only.
 */
public final class TmedProvider extends DescribedProvider {

    /** The provider {@link java.util.ServiceLoader} instantiates: TMED-2's description and phantom writer. */
    public TmedProvider() {
        // TMED-2 has no EF: the default target is its first task, the view classifier; stills, not clips
        super(
                DatasetDescription.builder()
                        .name("tmed")
                        .title("TMED-2")
                        .targets(TmedSource.TARGETS)
                        .defaultTarget(Target.VIEW)
                        .views(TmedIndex.VIEW_FILTERS.stream()
                                .filter(v -> !v.equals("all"))
                                .toList())
                        .video(false)
                        .build(),
                new Phantom());
    }

    /** ETAB's TMED view task is PLAX vs PSAX; AS keeps every view. */
    @Override
    public String defaultView(Target target) {
        return target == Target.VIEW ? "PLAX+PSAX" : "all";
    }

    /** TMED-2's three folds as released ({@code TMED2_fold0_labeledpart.csv} to {@code fold2}), 0..2. */
    @Override
    public int folds() {
        return 3;
    }

    /** view: view5 (default), view5-a2c-first, view3, view2; AS: as3 (default), as2, as5. */
    @Override
    public List<String> labelSchemes(Target target) {
        return LabelScheme.names(target);
    }

    /** view2 has classes for PLAX and PSAX only. */
    @Override
    public void checkLabelScheme(String view, Target target, String scheme) {
        if (target != Target.VIEW) {
            return;
        }
        LabelScheme coding = LabelScheme.of(Target.VIEW, scheme);
        List<String> without = TmedIndex.parseView(view).stream()
                .filter(t -> !coding.hasClass(t))
                .map(TmedView::label)
                .toList();
        if (!without.isEmpty()) {
            throw new IllegalArgumentException("label scheme " + coding.schemeName() + " has no class for "
                    + String.join(", ", without) + ": select view PLAX, PSAX or PLAX+PSAX, or another scheme");
        }
    }

    /**
     * @throws IllegalArgumentException also when the label scheme has no class for a view the selection holds
     *                                  (view2 with a view other than PLAX or PSAX)
     */
    @Override
    public OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options) {
        DatasetRegistry.checkFold(this, fold); // as documented: refused, not ignored
        String v = view != null ? view : defaultView(options.target());
        checkLabelScheme(v, options.target(), options.labelScheme());
        DatasetFiles files = DatasetFiles.of(root, options);
        TmedIndex.Selection sel = TmedReader.read(root, fold, files).selection(split, v, options.target());
        return new OpenedDataset(
                new TmedSource(sel.records(), sel.rejected(), options, files),
                sel.problems(),
                sel.records().size());
    }

    /** {@link TmedPhantom}: count = patients, 5-7 images each; progress counts images. */
    private static final class Phantom extends CheckedPhantom {
        Phantom() {
            super("tmed", "patients", Set.of(), (out, count, seed, knobs, progress) -> {
                TmedPhantom.Summary s = new TmedPhantom(new TmedPhantom.Options(count, seed)).write(out, progress);
                return new Written(
                        s.root(),
                        s.bytes(),
                        String.format(
                                Locale.ROOT,
                                "%d patients, %d images, %.1f MB",
                                s.patients(),
                                s.images(),
                                s.bytes() / 1e6));
            });
        }

        /** About 6 images per patient. */
        @Override
        public long steps(int count) {
            return 6L * count;
        }

        @Override
        public String stepUnit() {
            return "images";
        }
    }
}
