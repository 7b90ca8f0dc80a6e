package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.etab.datasets.tmed.TmedPhantom;
import org.etab.datasets.tmed.TmedReader;
import org.etab.datasets.tmed.TmedRecord;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadData(n)} on a TMED-2 phantom written here, in which some images are broken: n good items whenever the
 * selection has them, the broken ones reported; {@code strict(true)} throws on the first instead.
 */
class LoadDataTest {
    @TempDir
    static Path dir;

    /** The selection (fold 0, all splits, PLAX+PSAX, target view) in index order. */
    static List<TmedRecord> records;
    /** Positions in {@link #records} of the images broken below. */
    static final int[] BROKEN = {1, 2, 5};

    @BeforeAll
    static void writeAndBreak() throws IOException {
        Path root = dir.resolve("tmed");
        new TmedPhantom(new TmedPhantom.Options(8, 77)).write(root);
        records = TmedReader.read(root).select("all", "PLAX+PSAX", Target.VIEW);
        Files.write(records.get(1).image(), "not a png".getBytes()); // not a PNG
        byte[] png = Files.readAllBytes(records.get(2).image());
        Files.write(records.get(2).image(), Arrays.copyOf(png, png.length / 3)); // truncated
        Files.delete(records.get(5).image()); // missing
    }

    private static EtabDataset.Builder tmed() {
        return EtabDataset.builder()
                .name("tmed")
                .root(dir.resolve("tmed"))
                .frameL(16)
                .frameW(16)
                .threads(2);
    }

    /** The ids of the records that are not broken, in index order. */
    private static List<String> goodIds() {
        List<String> good = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            int at = i;
            if (Arrays.stream(BROKEN).noneMatch(b -> b == at)) {
                good.add(records.get(i).id());
            }
        }
        return good;
    }

    @Test
    void nGoodItemsWhenTheSelectionHasThemAndTheBrokenOnesReported() {
        assertThat(records).hasSizeGreaterThan(8);
        EtabDataset d = tmed().build().loadData(5);
        assertThat(d.data().stream().map(Item::id).toList()).isEqualTo(goodIds().subList(0, 5));
        // tried: positions 0..6, of which 1, 2 and 5 are broken; each reported with its file and reason, in load order
        assertThat(d.failures())
                .extracting(SampleFailure::id)
                .containsExactly(
                        records.get(1).id(), records.get(2).id(), records.get(5).id());
        assertThat(d.failures())
                .extracting(SampleFailure::file)
                .containsExactly(
                        records.get(1).image().toString(),
                        records.get(2).image().toString(),
                        records.get(5).image().toString());
        assertThat(d.failures()).allSatisfy(f -> assertThat(f.stage()).isEqualTo(Stage.DECODE));
        assertThat(d.failures().get(0).reason()).contains("not a PNG file");
        assertThat(d.failures().get(2).reason()).endsWith(records.get(5).image() + ": not found");
    }

    @Test
    void moreThanTheSelectionHasGivesEveryGoodOne() {
        EtabDataset d = tmed().build().loadData(records.size());
        assertThat(d.data().stream().map(Item::id).toList()).isEqualTo(goodIds());
        assertThat(d.failures()).hasSize(BROKEN.length);
        EtabDataset all = tmed().build().loadData(0);
        assertThat(all.data().stream().map(Item::id).toList()).isEqualTo(goodIds());
        assertThat(all.failures()).hasSize(BROKEN.length);
    }

    @Test
    void beforeAnyFailureNothingChanges() {
        EtabDataset d = tmed().build().loadData(1);
        assertThat(d.data()).extracting(Item::id).containsExactly(records.get(0).id());
        assertThat(d.failures()).isEmpty();
    }

    @Test
    void strictThrowsOnTheFirstFailureNamingFileAndReason() {
        EtabDataset d = tmed().threads(1).strict(true).build();
        assertThatThrownBy(() -> d.loadData(5))
                .isInstanceOf(SampleException.class)
                .hasMessageContaining("sample " + records.get(1).id() + " failed")
                .hasMessageContaining(records.get(1).image().toString())
                .hasMessageContaining("not a PNG file");
        assertThat(d.failures())
                .extracting(SampleFailure::id)
                .containsExactly(records.get(1).id());
        assertThat(tmed().strict(true).build().loadData(1).data()).hasSize(1);
        assertThatThrownBy(() -> d.toBuilder().build().loadData(5)).isInstanceOf(SampleException.class);
    }

    @Test
    void strictNamesTheFileOnceWhetherTheReasonNamesItOrNot() {
        // a decode failure's reason starts with the file: the message used to repeat it
        String image = records.get(1).image().toString();
        assertThatThrownBy(() -> tmed().strict(true).build().loadData(5))
                .satisfies(e -> assertThat(e.getMessage().indexOf(image))
                        .isPositive()
                        .isEqualTo(e.getMessage().lastIndexOf(image)));
        // a plan failure's reason does not name it: the message adds it
        EtabDataset clips = EtabDataset.builder()
                .root(PhantomDatasets.echonet())
                .video(true)
                .clipL(1000)
                .frameL(8)
                .frameW(8)
                .threads(1)
                .strict(true)
                .build();
        assertThatThrownBy(() -> clips.loadData(1))
                .isInstanceOf(SampleException.class)
                .satisfies(e -> {
                    SampleFailure f = clips.failures().get(0);
                    assertThat(f.stage()).isEqualTo(Stage.PLAN);
                    assertThat(f.reason()).doesNotContain(f.file());
                    assertThat(e)
                            .hasMessage("loadData (strict): sample " + f.id() + " failed at plan: " + f.file() + ": "
                                    + f.reason());
                });
    }
}
