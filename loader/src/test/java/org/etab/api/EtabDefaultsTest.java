package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;

/**
 * Pins every default of the ETAB-style API that docs/datasets.md ("ETAB defaults, with their source") claims, by
 * loading the phantoms with the option left out and with it given explicitly.
 */
class EtabDefaultsTest {
    private static final List<String> TRAIN = EchoNetReader.read(PhantomDatasets.echonet()).select("train").stream()
            .map(EchoNetRecord::id)
            .toList();

    private static EtabDataset.Builder echonet() {
        return EtabDataset.builder()
                .name("echonet")
                .root(PhantomDatasets.echonet())
                .threads(2);
    }

    private static List<String> ids(EtabDataset d) {
        return d.data().stream().map(Item::id).toList();
    }

    /** The shape's sizes in increasing order: the same whichever clip layout the API gives. */
    private static int[] sizes(Item item) {
        int[] s = item.x().shape().clone();
        Arrays.sort(s);
        return s;
    }

    @Test
    void echonetReadsOnlyTheTrainRowsOfFileListUnlessASplitIsNamed() {
        assertThat(TRAIN).isNotEmpty().hasSizeLessThan(PhantomDatasets.ECHONET_VIDEOS);
        EtabDataset d = echonet().frameL(16).frameW(16).build();
        assertThat(d.split()).isEqualTo("train");
        assertThat(ids(d.loadData(0))).isEqualTo(TRAIN);
        assertThat(echonet()
                        .frameL(16)
                        .frameW(16)
                        .split("all")
                        .build()
                        .loadData(0)
                        .data())
                .hasSize(PhantomDatasets.ECHONET_VIDEOS);
        List<String> val = EchoNetReader.read(PhantomDatasets.echonet()).select("val").stream()
                .map(EchoNetRecord::id)
                .toList();
        assertThat(ids(echonet().frameL(16).frameW(16).split("val").build().loadData(0)))
                .isEqualTo(val);
        // the other datasets' ETAB loaders read no split of their own: all of it
        assertThat(EtabDataset.builder().name("tmed").build().split()).isEqualTo("all");
        assertThat(EtabDataset.builder().name("camus").build().split()).isEqualTo("all");
    }

    @Test
    void targetViewVideoFrameSizeAndNormalizeDefaults() {
        EtabDataset d = echonet().build().loadData(2);
        assertThat(d.target()).isEqualTo(Target.EF);
        assertThat(d.view()).isEqualTo("AP4CH");
        assertThat(ids(d)).isEqualTo(TRAIN.subList(0, 2)); // loadData(n): the first n in index order
        EtabDataset explicit = echonet()
                .target("EF")
                .view("A4CH")
                .video(false)
                .frameL(224)
                .frameW(224)
                .normalize(true)
                .build()
                .loadData(2, false);
        for (int i = 0; i < 2; i++) {
            assertThat(d.data().get(i).x().shape()).containsExactly(3, 224, 224);
            assertThat(d.data().get(i).x().floats())
                    .isEqualTo(explicit.data().get(i).x().floats());
        }
        float[] raw =
                echonet().normalize(false).build().loadData(1).data().get(0).x().floats();
        assertThat(d.data().get(0).x().floats()).isNotEqualTo(raw);
    }

    @Test
    void clipLengthFpsAndPaddingDefaults() {
        EtabDataset clips = echonet().video(true).frameL(32).frameW(24).build().loadData(3);
        EtabDataset explicit = echonet()
                .video(true)
                .frameL(32)
                .frameW(24)
                .clipL(16)
                .fps(50)
                .padding(false)
                .build()
                .loadData(3);
        EtabDataset at25 =
                echonet().video(true).frameL(32).frameW(24).fps(25).build().loadData(3);
        assertThat(sizes(clips.data().get(0))).containsExactly(3, 16, 24, 32);
        for (int i = 0; i < 3; i++) {
            assertThat(clips.data().get(i).x().floats())
                    .isEqualTo(explicit.data().get(i).x().floats());
        }
        assertThat(clips.data().get(0).x().floats())
                .isNotEqualTo(at25.data().get(0).x().floats());
        // padding off: the phantom's videos (80-220 frames) are all shorter than 500 frames at 50 fps (a 30 fps video
        // needs 300)
        EtabDataset tooLong =
                echonet().video(true).frameL(16).frameW(16).clipL(500).build().loadData(0);
        assertThat(tooLong.data()).isEmpty();
        assertThat(tooLong.failures())
                .hasSize(TRAIN.size())
                .allSatisfy(f -> assertThat(f.reason()).contains("padding is off"));
        assertThat(echonet()
                        .video(true)
                        .frameL(16)
                        .frameW(16)
                        .clipL(500)
                        .padding(true)
                        .build()
                        .loadData(0)
                        .data())
                .hasSize(TRAIN.size());
    }

    @Test
    void nameDefaultsToEchonetAndTheSplitToETABsFractions() {
        EtabDataset plain = EtabDataset.builder().build();
        assertThat(plain.name()).isEqualTo("echonet");
        assertThat(plain.target()).isEqualTo(Target.EF);
        assertThat(plain.view()).isEqualTo("AP4CH");
        assertThatThrownBy(() -> EtabDataset.builder().name(null).build())
                .hasMessageStartingWith("name must not be null");
        EtabDataset tmed = EtabDataset.builder()
                .name("tmed")
                .root(TmedPhantoms.tmed())
                .frameL(8)
                .frameW(8)
                .threads(2)
                .build()
                .loadData(0);
        Splits byDefault = DataTools.trainingDataSplit(tmed);
        Splits etab = DataTools.trainingDataSplit(tmed, 0.5, 0.1, true);
        assertThat(ids(byDefault.train()))
                .isEqualTo(ids(etab.train()))
                .hasSize(tmed.data().size() / 2);
        assertThat(ids(byDefault.val())).isEqualTo(ids(etab.val()));
        assertThat(ids(byDefault.test())).isEqualTo(ids(etab.test()));
    }

    private static List<String> ids(List<Item> items) {
        return items.stream().map(Item::id).toList();
    }
}
