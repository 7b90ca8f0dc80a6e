package org.etab.datasets.tmed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the registry learns from TMED-2's provider: its views, default views and folds. */
class TmedProviderTest {
    private final TmedProvider tmed = new TmedProvider();

    @Test
    void theViewsAreTheFiltersWithoutAllWhichEveryDatasetAccepts() {
        assertThat(tmed.views()).containsExactly("PLAX", "PSAX", "AP4CH", "AP2CH", "PLAX+PSAX", "both");
        assertThat(tmed.acceptsView("all")).isTrue();
    }

    @Test
    void theViewTaskIsPlaxVersusPsaxAndAsKeepsEveryView() {
        assertThat(tmed.defaultView(Target.VIEW)).isEqualTo("PLAX+PSAX");
        assertThat(tmed.defaultView(Target.AS)).isEqualTo("all");
    }

    @Test
    void aFoldPastTheThreeIsRefusedBeforeAnyFileIsRead(@TempDir Path empty) {
        SampleOptions options =
                SampleOptions.builder().target(Target.VIEW).video(false).build();
        // the root holds nothing: reading it would fail on a missing file, not on the fold
        assertThatThrownBy(() -> tmed.open(empty, "train", null, 3, options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fold must be 0..2 for tmed but was 3");
    }
}
