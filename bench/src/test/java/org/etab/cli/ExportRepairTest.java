package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repair before a resumed export continues: what a stopped run wrote past its saved position goes, so that a
 * sample that fails when written again leaves no files without a row.
 */
class ExportRepairTest {
    private static final List<String> HEADER =
            List.of("id", "source_id", "x", "y", "epoch", "position", "source_frames", "valid_frames", "label");

    @Test
    void theFilesOfSamplesPastTheSavedPositionAreRemovedAndThoseBeforeItKept(@TempDir Path out) throws Exception {
        List<ExportIds.Slot> slots = new ArrayList<>();
        List<List<String>> manifest = new ArrayList<>();
        manifest.add(HEADER);
        for (int i = 0; i < 6; i++) {
            String name = "V" + i;
            slots.add(new ExportIds.Slot(i, name, "V" + i));
            Files.writeString(out.resolve(name + ".x.npy"), "x" + i);
            Files.writeString(out.resolve(name + ".y.npy"), "y" + i);
            // the stopped run wrote rows up to the fifth sample; its position was saved at 3
            if (i < 5) {
                manifest.add(List.of(name, name, name + ".x.npy", name + ".y.npy", "0", "" + i, "0-3", "4", "50.0"));
            }
        }
        // and a file of an earlier export that this one never names
        Files.writeString(out.resolve("OTHER.x.npy"), "other");
        Path file = out.resolve("manifest.csv");
        ExportRepair.write(file, manifest);

        assertThat(ExportRepair.repair(out, file, null, slots, 3, List.of(), 3)).isEqualTo(-1);

        assertThat(ExportRepair.read(file)).isEqualTo(manifest.subList(0, 4));
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".npy")))
                    .containsExactlyInAnyOrder(
                            "V0.x.npy", "V0.y.npy", "V1.x.npy", "V1.y.npy", "V2.x.npy", "V2.y.npy", "OTHER.x.npy");
        }
    }

    @Test
    void aMissingManifestIsRefusedOnlyWhenTheStateSaysSamplesWereDone(@TempDir Path out) {
        Path manifest = out.resolve("manifest.csv");
        List<ExportIds.Slot> slots = List.of(new ExportIds.Slot(0, "V0", "V0"), new ExportIds.Slot(1, "V1", "V1"));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ExportRepair.repair(out, manifest, null, slots, 1, List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(manifest + " is missing, but the resume state says 1 samples were done: their rows cannot "
                        + "be written again (export again without --resume)");
        // at position 0 nothing was done: there is nothing to keep, and nothing to refuse
        assertThat(ExportRepair.repair(out, manifest, null, slots, 0, List.of(), 0))
                .isEqualTo(-1);
    }
}
