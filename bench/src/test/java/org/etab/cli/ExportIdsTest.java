package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.etab.batch.SampleInfo;
import org.etab.pipeline.Pipeline;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SamplePlan;
import org.etab.source.Stage;
import org.junit.jupiter.api.Test;

/** The file ids export gives samples: unique, counted over the whole epoch, the same on every rank. */
class ExportIdsTest {

    /** The epoch's plans, one per id, at positions 0, 1, 2, ... */
    private static List<SamplePlan> plans(String... ids) {
        List<SamplePlan> plans = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            plans.add(new SamplePlan(i, i, ids[i], ids[i] + ".avi", new int[] {0}, null));
        }
        return plans;
    }

    /** A one-rank schedule of {@code plans}, in their order. */
    private static List<Pipeline.Scheduled> schedule(List<SamplePlan> plans) {
        List<Pipeline.Scheduled> schedule = new ArrayList<>();
        for (SamplePlan p : plans) {
            schedule.add(new Pipeline.Scheduled(p.position(), p, false));
        }
        return schedule;
    }

    private static SampleInfo delivered(SamplePlan p) {
        return new SampleInfo(p.id(), 0, p.position(), p.frames(), 1);
    }

    private static List<String> names(ExportIds ids) {
        return ids.slots().stream().map(ExportIds.Slot::name).toList();
    }

    @Test
    void laterClipsOfARecordAreNumberedAroundTheRealIdsTheyWouldTake() {
        // the clips of --clip-start all: X three times; real FileNames X_1, X_2 and X__2 beside it
        List<SamplePlan> plans = plans("X", "X_1", "X", "X", "X__2", "X_1", "X_2");
        ExportIds ids = new ExportIds(Set.of("X", "X_1", "X_2", "X__2"));
        ids.assign(0, 0, schedule(plans), plans);
        assertThat(names(ids)).containsExactly("X", "X_1", "X__1", "X___2", "X__2", "X_1_1", "X_2");
        assertThat(ids.slots().stream().map(ExportIds.Slot::id))
                .containsExactly("X", "X_1", "X", "X", "X__2", "X_1", "X_2");
        ids.select(0);
        assertThat(ids.of(delivered(plans.get(3)))).isEqualTo("X___2");
    }

    @Test
    void aRankNamesItsSamplesAsTheWholeEpochWouldAndRepeatsKeepTheirName() {
        List<SamplePlan> epoch = plans("A", "B", "A", "B", "A");
        // rank 1 of 2 takes positions 1 and 3, and repeats position 1 to even out the ranks
        List<Pipeline.Scheduled> rank = List.of(
                new Pipeline.Scheduled(0, epoch.get(1), false),
                new Pipeline.Scheduled(1, epoch.get(3), false),
                new Pipeline.Scheduled(2, epoch.get(1), true));
        ExportIds ids = new ExportIds(Set.of("A", "B"));
        ids.assign(0, 10, rank, epoch);
        assertThat(ids.slots())
                .containsExactly(
                        new ExportIds.Slot(10, "B", "B"),
                        new ExportIds.Slot(11, "B_1", "B"),
                        new ExportIds.Slot(12, "B", "B"));
        ids.select(0);
        SampleInfo repeat = new SampleInfo("B", 0, 1, new int[] {0}, 1, true);
        assertThat(ids.of(repeat)).isEqualTo("B");
        assertThat(ids.of(delivered(epoch.get(3)))).isEqualTo("B_1");
    }

    @Test
    void eachSizeGroupIsLookedUpByItsOwnPositions() {
        List<SamplePlan> small = plans("A", "B");
        List<SamplePlan> large = plans("C", "A");
        ExportIds ids = new ExportIds(Set.of("A", "B", "C"));
        ids.assign(0, 0, schedule(small), small);
        ids.assign(1, 2, schedule(large), large);
        assertThat(ids.slots().stream().map(ExportIds.Slot::sequence)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(names(ids)).containsExactly("A", "B", "C", "A_1");
        ids.select(1);
        assertThat(ids.of(delivered(large.get(1)))).isEqualTo("A_1");
        ids.select(0);
        assertThat(ids.of(delivered(small.get(0)))).isEqualTo("A");
        assertThat(ids.of(delivered(small.get(1)))).isEqualTo("B");
    }

    @Test
    void aSampleOutsideTheScheduleIsAMistakeNamedAsSuch() {
        List<SamplePlan> epoch = plans("A", "B");
        ExportIds ids = new ExportIds(Set.of("A", "B"));
        SamplePlan stray = new SamplePlan(7, 0, "Z", "Z.avi", new int[] {0}, null);
        assertThatThrownBy(() -> ids.assign(0, 0, List.of(new Pipeline.Scheduled(0, stray, false)), epoch))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("sample Z at position 7 is not in the epoch's order");
        ids.assign(0, 0, schedule(epoch), epoch);
        ids.select(0);
        assertThatThrownBy(() -> ids.of(delivered(stray)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("sample Z at position 7 is not in the export's schedule");
    }

    @Test
    void failuresAndStopsAreNamedByTheFileIdTheManifestWouldUse() {
        List<SamplePlan> epoch = plans("X", "X");
        ExportIds ids = new ExportIds(Set.of("X"));
        ids.assign(0, 0, schedule(epoch), epoch);
        ids.select(0);
        SampleFailure second = new SampleFailure("X", "X.avi", Stage.DECODE, "bad frame", 0, 1, false);
        SampleFailure named = ids.named(second);
        assertThat(named.id()).isEqualTo("X_1");
        assertThat(named).usingRecursiveComparison().ignoringFields("id").isEqualTo(second);
        SampleFailure first = new SampleFailure("X", "X.avi", Stage.DECODE, "bad frame", 0, 0, false);
        assertThat(ids.named(first)).isSameAs(first);
        SampleFailure unscheduled = new SampleFailure("X", "X.avi", Stage.DECODE, "bad frame", 0, 9, false);
        assertThat(ids.named(unscheduled)).isSameAs(unscheduled);

        // the second clip stops the run; its message reads as the first's: only the failure it carries tells them apart
        assertThat(second.stopMessage()).isEqualTo(first.stopMessage());
        SampleException stop = new SampleException(second);
        RuntimeException renamed = ids.underFileId(stop);
        assertThat(renamed).isInstanceOf(SampleException.class).hasMessage(named.stopMessage());
        assertThat(renamed.getMessage()).startsWith("sample X_1 failed: bad frame");
        assertThat(((SampleException) renamed).failure()).contains(named);
        SampleException firstStop = new SampleException(first);
        assertThat(ids.underFileId(firstStop)).isSameAs(firstStop);
        SampleException noFailure = new SampleException(Stage.DECODE, second.stopMessage());
        assertThat(ids.underFileId(noFailure)).isSameAs(noFailure);
        IllegalStateException other = new IllegalStateException("not a sample's");
        assertThat(ids.underFileId(other)).isSameAs(other);
    }

    @Test
    void anIdTooLongForItsFilesFailsThatSampleAloneAtTheLimit() {
        int most = ExportIds.MAX_NAME_BYTES - ExportIds.LONGEST_SUFFIX.length(); // 245
        String fits = "v".repeat(most);
        String over = "v".repeat(most + 1);
        String clipped = "v".repeat(most - 1); // fits, but its second clip's "_1" does not
        String wide = "é".repeat(most / 2 + 1); // 246 bytes in UTF-8, 123 characters
        List<SamplePlan> epoch = plans(fits, over, clipped, clipped, wide);
        ExportIds ids = new ExportIds(Set.of(fits, over, clipped, wide));
        ids.assign(0, 0, schedule(epoch), epoch);
        ids.select(0);
        assertThat(ids.unwritable(delivered(epoch.get(0)))).isNull();
        assertThat(ids.unwritable(delivered(epoch.get(2)))).isNull();

        SampleFailure tooLong = ids.unwritable(delivered(epoch.get(1)));
        assertThat(tooLong.id()).isEqualTo(over);
        assertThat(tooLong.file()).isEqualTo(over + ".avi");
        assertThat(tooLong.stage()).isEqualTo(Stage.PLAN);
        assertThat(tooLong.sequence()).isEqualTo(1);
        assertThat(tooLong.reason())
                .isEqualTo("id too long for a file name: 246 bytes, at most 245 (255 with .x.npy.tmp)");

        SampleFailure suffixed = ids.unwritable(delivered(epoch.get(3)));
        assertThat(suffixed.id()).isEqualTo(clipped + "_1");
        assertThat(suffixed.reason())
                .isEqualTo(
                        "id too long for a file name: 246 bytes with its suffix _1, at most 245 (255 with .x.npy.tmp)");
        assertThat(ids.unwritable(delivered(epoch.get(4))).reason())
                .startsWith("id too long for a file name: 246 bytes,");
    }
}
