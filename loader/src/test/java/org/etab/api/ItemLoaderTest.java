package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.etab.datasets.tmed.TmedPhantom;
import org.etab.datasets.tmed.TmedReader;
import org.etab.datasets.tmed.TmedRecord;
import org.etab.source.DatasetRegistry;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.Target;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load loop on a TMED-2 phantom whose images at {@link #BROKEN} are not PNGs: failures replaced round after
 * round, across batches, listed in load order; strict ends at the first, with the message {@code loadData} throws.
 */
class ItemLoaderTest {
    @TempDir
    static Path dir;

    /** The selection (fold 0, all splits, PLAX+PSAX, target view) in index order. */
    static List<TmedRecord> records;
    /** Positions broken: one in the first batch, the first two of the second (which another thread loads). */
    static final Set<Integer> BROKEN = Set.of(3, ItemLoader.BATCH, ItemLoader.BATCH + 1);

    @BeforeAll
    static void writeAndBreak() throws IOException {
        Path root = dir.resolve("tmed");
        new TmedPhantom(new TmedPhantom.Options(16, 5)).write(root);
        records = TmedReader.read(root).select("all", "PLAX+PSAX", Target.VIEW);
        for (int at : BROKEN) {
            Files.writeString(records.get(at).image(), "no image here");
        }
    }

    /** Opens the selection in index order, as {@code loadData(n)} does. */
    private static OpenedDataset opened() {
        return new EtabOptions(
                        EtabDataset.builder()
                                .root(dir.resolve("tmed"))
                                .frameL(8)
                                .frameW(8),
                        DatasetRegistry.get("tmed"),
                        Target.VIEW,
                        "PLAX+PSAX",
                        "view5")
                .open(false);
    }

    private static List<String> good() {
        return IntStream.range(0, records.size())
                .filter(i -> !BROKEN.contains(i))
                .mapToObj(i -> records.get(i).id())
                .toList();
    }

    private static List<String> ids(List<Item> items) {
        return items.stream().map(Item::id).toList();
    }

    @Test
    void eachFailureIsReplacedByTheNextSampleAndListedInLoadOrder() {
        assertThat(records).hasSizeGreaterThan(ItemLoader.BATCH + 2 + BROKEN.size());
        int wanted = ItemLoader.BATCH + 2;
        try (OpenedDataset opened = opened()) {
            ItemLoader loader = new ItemLoader(opened, 3, false);
            loader.load(wanted);
            // the first round tries 0..17 and loads 15; the second tries the next 3
            assertThat(ids(loader.items())).isEqualTo(good().subList(0, wanted));
            assertThat(loader.failures())
                    .extracting(SampleFailure::id)
                    .containsExactly(
                            records.get(3).id(),
                            records.get(ItemLoader.BATCH).id(),
                            records.get(ItemLoader.BATCH + 1).id());
        }
    }

    @Test
    void aRoundWhoseEverySampleFailedIsNotLoggedAsAnEmptyEpoch() {
        // BATCH wanted: the first round loads BATCH - 1; the next two try one broken sample each, the fourth loads
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (OpenedDataset opened = opened()) {
            ItemLoader loader = new ItemLoader(opened, 2, false);
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            loader.load(ItemLoader.BATCH);
            assertThat(ids(loader.items())).isEqualTo(good().subList(0, ItemLoader.BATCH));
            assertThat(loader.failures()).hasSize(BROKEN.size());
        } finally {
            System.setErr(stderr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("gave no batch");
    }

    @Test
    void moreThanTheSelectionHasEndsWithEveryGoodSample() {
        for (int wanted : new int[] {0, records.size() + 5}) {
            try (OpenedDataset opened = opened()) {
                ItemLoader loader = new ItemLoader(opened, 2, false);
                loader.load(wanted);
                assertThat(ids(loader.items())).as("wanted %d", wanted).isEqualTo(good());
                assertThat(loader.failures()).hasSize(BROKEN.size());
            }
        }
    }

    @Test
    void strictThrowsNamingTheFirstFailure() {
        try (OpenedDataset opened = opened()) {
            ItemLoader loader = new ItemLoader(opened, 1, true);
            assertThatThrownBy(() -> loader.load(10))
                    .isInstanceOf(SampleException.class)
                    .satisfies(e -> {
                        SampleFailure first = loader.failures().get(0);
                        assertThat(first.id()).isEqualTo(records.get(3).id());
                        assertThat(e)
                                .hasMessage("loadData (strict): sample " + first.id() + " failed at " + first.stage()
                                        + ": " + first.reason());
                        // the reason names the file; the message names it once
                        assertThat(first.reason()).startsWith(records.get(3).image() + ": ");
                        String file = records.get(3).image().toString();
                        assertThat(e.getMessage().indexOf(file))
                                .isEqualTo(e.getMessage().lastIndexOf(file));
                    });
            assertThat(loader.items()).isEmpty(); // the failed sample's batch (0..9) is not delivered
        }
    }
}
