package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The registry's checks of what a user names (view, fold, label scheme) against what a dataset offers. */
class DatasetRegistryTest {

    /** A dataset with two views, {@code folds} folds and two codings of its view target. */
    private static final class Demo extends DescribedProvider {
        private final int folds;

        Demo(int folds) {
            super(
                    DatasetDescription.builder()
                            .name("demo")
                            .title("Demo")
                            .targets(List.of(Target.EF, Target.VIEW))
                            .defaultTarget(Target.EF)
                            .views(List.of("AP4CH", "Apical2"))
                            .video(false)
                            .build(),
                    new CheckedPhantom("demo", "images", Set.of(), (out, n, seed, knobs, p) -> null));
            this.folds = folds;
        }

        @Override
        public String defaultView(Target target) {
            return target == Target.VIEW ? "all" : "AP4CH";
        }

        @Override
        public int folds() {
            return folds;
        }

        @Override
        public List<String> labelSchemes(Target target) {
            return target == Target.VIEW ? List.of("five", "Three") : List.of();
        }

        @Override
        public OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options) {
            throw new UnsupportedOperationException("checks only");
        }
    }

    @Test
    void aViewIsTheDatasetsDefaultWhenUnnamedAndReadsBackInItsSpelling() {
        Demo demo = new Demo(1);
        assertThat(DatasetRegistry.resolveView(demo, null, Target.EF)).isEqualTo("AP4CH");
        assertThat(DatasetRegistry.resolveView(demo, null, Target.VIEW)).isEqualTo("all");
        assertThat(DatasetRegistry.resolveView(demo, "A4CH", Target.EF)).isEqualTo("AP4CH"); // ETAB's spelling
        assertThat(DatasetRegistry.resolveView(demo, "a4", Target.EF)).isEqualTo("AP4CH");
        assertThat(DatasetRegistry.resolveView(demo, "apical2", Target.EF)).isEqualTo("Apical2"); // its own name
        assertThat(DatasetRegistry.resolveView(demo, " ALL ", Target.EF)).isEqualTo("all");
        assertThatThrownBy(() -> DatasetRegistry.resolveView(demo, "PL", Target.EF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("view 'PL' is not available for demo; available: AP4CH, Apical2, all (ETAB spellings: "
                        + EtabViews.ACCEPTED + ")");
    }

    @Test
    void aFoldIsOneOfTheDatasetsFoldsAndADatasetWithoutFoldsTakesFoldZeroOnly() {
        Demo three = new Demo(3);
        for (int fold = 0; fold < 3; fold++) {
            DatasetRegistry.checkFold(three, fold);
        }
        assertThatThrownBy(() -> DatasetRegistry.checkFold(three, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fold must be 0..2 for demo but was 3");
        assertThatThrownBy(() -> DatasetRegistry.checkFold(three, -1))
                .hasMessage("fold must be 0..2 for demo but was -1");
        Demo none = new Demo(1);
        DatasetRegistry.checkFold(none, 0);
        assertThatThrownBy(() -> DatasetRegistry.checkFold(none, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fold 1: demo has no folds (fold 0 only)");
    }

    @Test
    void aLabelSchemeIsTheTargetsDefaultWhenUnnamedAndReadsBackInTheDatasetsSpelling() {
        Demo demo = new Demo(1);
        assertThat(DatasetRegistry.resolveLabelScheme(demo, Target.VIEW, null)).isEqualTo("five");
        assertThat(DatasetRegistry.resolveLabelScheme(demo, Target.VIEW, " three "))
                .isEqualTo("Three");
        assertThat(DatasetRegistry.resolveLabelScheme(demo, Target.EF, null)).isNull(); // one coding
        assertThatThrownBy(() -> DatasetRegistry.resolveLabelScheme(demo, Target.VIEW, "two"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label scheme 'two' is not available for demo target 'view'; available: five, Three (the"
                        + " first is the default)");
    }

    @Test
    void aLabelSchemeForATargetWithOneCodingSaysWhereSchemesExist() {
        // the registered datasets' schemes, as the message must list them
        String where = DatasetRegistry.all().stream()
                .flatMap(p -> p.targets().stream()
                        .filter(t -> !p.labelSchemes(t).isEmpty())
                        .map(t -> p.name() + " " + t.etabName() + " (" + String.join(", ", p.labelSchemes(t)) + ")"))
                .collect(Collectors.joining(", "));
        assertThat(where).isNotEmpty(); // TMED-2 is registered on the test class path, with its view and AS codings
        assertThatThrownBy(() -> DatasetRegistry.resolveLabelScheme(new Demo(1), Target.EF, "five"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label scheme 'five' does not apply to demo target 'EF', which has one coding; label"
                        + " schemes exist for " + where);
    }

    @Test
    void aTargetIsParsedAgainstTheNamedDatasetsTargets() {
        DatasetProvider tmed = DatasetRegistry.get("tmed");
        assertThat(DatasetRegistry.target("TMED", "as")).isEqualTo(Target.AS);
        assertThatThrownBy(() -> DatasetRegistry.target("TMED", "EF")) // named as the registry names it
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(Target.unavailable("EF", "tmed", tmed.targets()).getMessage());
    }
}
