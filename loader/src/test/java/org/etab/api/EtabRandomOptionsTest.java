package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.etab.batch.Sample;
import org.etab.datasets.camus.CamusRelease;
import org.etab.source.ClipLayout;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.etab.transform.ResizeFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ETAB-style API with options chosen at random among valid and invalid values, as a property test of "an API
 * that cannot be misused": {@code build()} refuses a bad option with {@link IllegalArgumentException}, and a dataset
 * it accepted loads ({@code loadData}, {@code iterate}) without any other exception; a selection the data does not
 * have is the one thing refused at load time, with {@link IllegalArgumentException} naming it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EtabRandomOptionsTest {
    private static final int TRIALS = Integer.getInteger("etab.options.trials", 100);

    private static <T> T pick(SplittableRandom r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    private static boolean valid(SplittableRandom r) {
        return r.nextInt(10) != 0;
    }

    @Test
    void whatBuildAcceptsLoadsAndWhatItRefusesIsRefusedThere() {
        long base = Long.getLong("etab.options.seed", 20261206L);
        List<String> outcomes = new ArrayList<>();
        for (int t = 0; t < TRIALS; t++) {
            long seed = base + t;
            SplittableRandom r = new SplittableRandom(seed);
            String name = pick(r, List.of("echonet", "camus", "tmed"));
            Path root = switch (name) {
                case "echonet" -> PhantomDatasets.echonet();
                case "camus" -> CamusPhantoms.camus(r.nextBoolean() ? CamusRelease.MHD : CamusRelease.NIFTI);
                default -> TmedPhantoms.tmed();
            };
            EtabDataset.Builder b = EtabDataset.builder().name(name).root(root);
            List<String> set = new ArrayList<>();
            // each option set in a third of the trials, to a value the dataset offers nine times in ten
            if (r.nextInt(3) == 0) {
                String v = valid(r)
                        ? pick(r, Datasets.targets(name)).etabName()
                        : pick(r, List.of("EF", "CM", "LV_seg", "MY_seg", "LA_seg", "ES/ED", "view", "AS", "ef", "x"));
                b.target(v);
                set.add("target " + v);
            }
            if (r.nextInt(3) == 0) {
                String v = valid(r)
                        ? pick(
                                r,
                                switch (name) {
                                    case "echonet" -> List.of("A4CH", "AP4CH", "A4", "4CH", "all");
                                    case "camus" ->
                                        List.of("A4CH", "AP4CH", "A4", "4CH", "A2CH", "AP2CH", "A2", "2CH", "all");
                                    default -> List.of("PLAX", "PL", "PSAX", "PS", "A4CH", "A2CH", "all");
                                })
                        : pick(r, List.of("PLAX", "A2", "X", ""));
                b.view(v);
                set.add("view " + v);
            }
            if (r.nextInt(3) == 0) {
                boolean v = name.equals("tmed") && valid(r) ? false : r.nextBoolean();
                b.video(v);
                set.add("video " + v);
            }
            if (r.nextInt(3) == 0) {
                int l = valid(r) ? pick(r, List.of(1, 7, 16, 112)) : pick(r, List.of(-1, 0, 70_000));
                int w = valid(r) ? pick(r, List.of(1, 9, 16, 112)) : pick(r, List.of(-1, 0, 70_000));
                b.frameL(l).frameW(w);
                set.add("frame " + l + "x" + w);
            }
            if (r.nextInt(3) == 0) {
                int v = valid(r) ? pick(r, List.of(1, 2, 4, 32, 300)) : pick(r, List.of(-1, 0, 1_000_000));
                b.clipL(v);
                set.add("clipL " + v);
            }
            if (r.nextInt(3) == 0) {
                double v = valid(r)
                        ? pick(r, List.of(0.5, 1.0, 12.5, 25.0, 50.0, 1000.0))
                        : pick(r, List.of(-1.0, 0.0, 1e9, Double.NaN, Double.POSITIVE_INFINITY));
                b.fps(v);
                set.add("fps " + v);
            }
            if (r.nextInt(3) == 0) {
                boolean v = r.nextBoolean();
                b.padding(v);
                set.add("padding " + v);
            }
            if (r.nextInt(3) == 0) {
                String v = valid(r) ? pick(r, List.of("train", "val", "test", "all", "TRAIN")) : "x";
                b.split(v);
                set.add("split " + v);
            }
            if (r.nextInt(3) == 0) {
                int v = valid(r) ? (name.equals("tmed") ? r.nextInt(3) : 0) : pick(r, List.of(-1, 1, 3));
                b.fold(v);
                set.add("fold " + v);
            }
            if (r.nextInt(3) == 0) {
                int v = valid(r) ? pick(r, List.of(1, 3)) : pick(r, List.of(0, 2));
                b.channels(v);
                set.add("channels " + v);
            }
            if (r.nextInt(3) == 0) {
                int v = valid(r) ? pick(r, List.of(1, 2)) : 0;
                b.threads(v);
                set.add("threads " + v);
            }
            if (r.nextInt(3) == 0) {
                ResizeFilter v = pick(r, List.of(ResizeFilter.values()));
                boolean a = r.nextBoolean();
                b.resize(v).antialias(a);
                set.add("resize " + v + " antialias " + a);
            }
            if (r.nextInt(name.equals("tmed") ? 2 : 4) == 0) { // TMED-2's codings, and others refused
                String v = pick(r, List.of("view5", "view5-a2c-first", "view3", "view2", "as3", "as2", "as5", "x"));
                b.labelScheme(v);
                set.add("labelScheme " + v);
            }
            if (r.nextInt(3) == 0) {
                ClipLayout v = pick(r, List.of(ClipLayout.values()));
                b.layout(v);
                set.add("layout " + v);
            }
            boolean normalize = r.nextBoolean();
            b.normalize(normalize).seed(seed);
            String trial = "seed " + seed + ": " + name + " " + set;
            EtabDataset d;
            try {
                d = b.build();
            } catch (IllegalArgumentException e) {
                outcomes.add("REFUSED " + trial + ": " + e.getMessage());
                continue;
            }
            try {
                d.loadData(3, r.nextBoolean());
                try (SampleIterator it = d.iterate(0)) {
                    for (int n = 0; n < 2 && it.hasNext(); n++) {
                        try (Sample s = it.next()) {
                            assertThat(s.features().spec().elements()).as(trial).isPositive();
                        }
                    }
                }
                outcomes.add("LOADED " + trial + ": " + d.data().size() + " items, "
                        + d.failures().size() + " failures"
                        + (d.failures().isEmpty() ? "" : " " + d.failures().get(0)));
            } catch (IllegalArgumentException e) {
                // only what depends on the data: a split the release on disk does not have (CAMUS's MetaImage
                // release has no val); anything else build() could have refused
                assertThat(e.getMessage())
                        .as(trial + ": refused at load, not by build()")
                        .startsWith("split '");
                outcomes.add("REFUSED AT LOAD " + trial + ": " + e.getMessage());
            } catch (RuntimeException e) {
                throw new AssertionError(trial + ": " + e, e);
            }
        }
        assertThat(outcomes).as("trials").hasSize(TRIALS);
        assertThat(outcomes).as("datasets built and loaded").anyMatch(o -> o.startsWith("LOADED"));
    }
}
