package org.etab.datasets.tmed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

import org.etab.source.DatasetPhantom;
import org.etab.source.DatasetProvider;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;

/**
 * TMED-2 in the dataset registry: {@code tmed}, still images of five views, targets view and AS, three folds.
 * Public for {@link java.util.ServiceLoader} only.
 */
public final class TmedProvider implements DatasetProvider {

    @Override
    public String name() {
        return "tmed";
    }

    @Override
    public String title() {
        return "TMED-2";
    }

    @Override
    public List<Target> targets() {
        return TmedSource.TARGETS;
    }

    /** TMED-2 has no EF: its first task, the view classifier. */
    @Override
    public Target defaultTarget() {
        return Target.VIEW;
    }

    @Override
    public List<String> views() {
        return TmedIndex.VIEW_FILTERS.stream().filter(v -> !v.equals("all")).toList();
    }

    /** ETAB's TMED view task is PLAX vs PSAX; AS keeps every view. */
    @Override
    public String defaultView(Target target) {
        return target == Target.VIEW ? "PLAX+PSAX" : "all";
    }

    @Override
    public boolean videoByDefault() {
        return false;
    }

    @Override
    public DatasetPhantom phantom() {
        return new Phantom();
    }

    @Override
    public OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options) {
        String v = view != null ? view : defaultView(options.target());
        TmedIndex.Selection sel = TmedReader.read(root, fold).selection(split, v, options.target());
        return new OpenedDataset(new TmedSource(sel.records(), options), sel.problems(), sel.records().size());
    }

    /** {@link TmedPhantom}: count = patients, 5-7 images each. */
    private static final class Phantom implements DatasetPhantom {
        @Override
        public String unit() {
            return "patients";
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

        @Override
        public Written write(Path out, int count, long seed, Map<String, String> knobs, IntConsumer progress)
                throws IOException {
            DatasetPhantom.checkKnobs("tmed", knobs, knobs());
            TmedPhantom.Summary s = new TmedPhantom(new TmedPhantom.Options(count, seed)).write(out, progress);
            return new Written(s.root(), s.bytes(), String.format(Locale.ROOT, "%d patients, %d images, %.1f MB",
                    s.patients(), s.images(), s.bytes() / 1e6));
        }
    }
}
