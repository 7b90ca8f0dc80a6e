package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.etab.batch.DType;
import org.etab.batch.Sample;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;

class EtabDatasetTest {
    /** The TRAIN rows: what the ETAB-style API reads from EchoNet-Dynamic by default, as ETAB's loader does. */
    private final Map<String, EchoNetRecord> records =
            EchoNetReader.read(PhantomDatasets.echonet()).select("train").stream()
                    .collect(Collectors.toMap(EchoNetRecord::id, Function.identity()));

    private static EtabDataset.Builder echonet() {
        return EtabDataset.builder()
                .name("echonet")
                .root(PhantomDatasets.echonet())
                .threads(2);
    }

    @Test
    void loadDataMaterializesClipsWithTheirLabels() {
        EtabDataset d = echonet()
                .target("EF")
                .view("AP4CH")
                .video(true)
                .normalize(true)
                .frameL(64)
                .frameW(48)
                .clipL(8)
                .fps(25)
                .padding(true)
                .build();
        d.loadData(5, false);
        assertThat(d.data()).hasSize(5);
        List<String> firstFive = EchoNetReader.read(PhantomDatasets.echonet()).select("train").subList(0, 5).stream()
                .map(EchoNetRecord::id)
                .toList();
        assertThat(d.data().stream().map(Item::id).toList()).isEqualTo(firstFive); // not random: index order
        for (Item item : d.data()) {
            assertThat(item.x().shape()).containsExactly(8, 3, 64, 48); // ETAB's clip_l images of [3, H, W]
            assertThat(item.x().axes()).isEqualTo("TCHW");
            assertThat(item.x().dtype()).isEqualTo(DType.FLOAT32);
            assertThat(item.y().floats())
                    .containsExactly((float) records.get(item.id()).ef());
        }
    }

    @Test
    void longClipsAtEtabsFrameSizeLoadAndIterateOnManyThreads() {
        // 64 x 3 x 224 x 224 float32 is 38.5 MB a sample: batches of 16 on 8 threads (12 buffers) would ask the
        // pool for 7.4 GB, over the 2 GB that JavaCPP may allocate in this JVM (-Xmx2g)
        EtabDataset d = echonet()
                .target("EF")
                .video(true)
                .clipL(64)
                .padding(true)
                .threads(8)
                .build();
        assertThat(d.loadData(3).data())
                .hasSize(3)
                .allSatisfy(item -> assertThat(item.x().shape()).containsExactly(64, 3, 224, 224));
        try (SampleIterator it = d.iterate(0)) {
            try (Sample s = it.next()) {
                assertThat(s.features().spec().shape()).containsExactly(64, 3, 224, 224);
            }
        }
    }

    @Test
    void randomLoadIsSeededAndAllLoadsEverything() {
        EtabDataset a =
                echonet().target("CM").frameL(32).frameW(32).seed(7).build().loadData(4, true);
        EtabDataset b =
                echonet().target("CM").frameL(32).frameW(32).seed(7).build().loadData(4, true);
        assertThat(a.data().stream().map(Item::id).toList())
                .isEqualTo(b.data().stream().map(Item::id).toList());
        EtabDataset all =
                echonet().target("LV_seg").frameL(32).frameW(32).build().loadData(0, false);
        assertThat(all.data()).hasSize(records.size());
        EtabDataset everySplit = echonet()
                .target("LV_seg")
                .frameL(32)
                .frameW(32)
                .split("all")
                .build()
                .loadData(0, false);
        assertThat(everySplit.data()).hasSize(PhantomDatasets.ECHONET_VIDEOS);
        assertThat(all.data().get(0).y().shape()).containsExactly(32, 32);
        assertThat(all.failures()).isEmpty();
    }

    @Test
    void streamIsTheSameDataAsPooledSamples() {
        EtabDataset d = echonet().target("ES/ED").frameL(32).frameW(32).build();
        Set<String> ids = new HashSet<>();
        for (Sample s : d.stream().toIterable(1)) {
            try (s) {
                ids.add(s.id());
                assertThat(s.labels().slotInts(0))
                        .containsExactly(
                                records.get(s.id()).es().frame(),
                                records.get(s.id()).ed().frame());
            }
        }
        assertThat(ids).isEqualTo(records.keySet());
    }

    @Test
    void impossibleCombinationsFailWhenBuilt() {
        assertThatThrownBy(() -> echonet().target("AS").build())
                .hasMessageContaining("available: EF, LV_seg, ES/ED, CM");
        assertThatThrownBy(() -> EtabDataset.builder().name(null).build())
                .hasMessageContaining("name must not be null");
        assertThatThrownBy(() -> EtabDataset.builder().name("mnist").build()).hasMessageContaining("dataset 'mnist'");
        assertThatThrownBy(() -> echonet().frameL(0).frameW(10).build()).hasMessageContaining("frame size");
        assertThatThrownBy(() -> echonet().view("PLAX").build().loadData(1, false))
                .hasMessageContaining("view 'PLAX' is not available for echonet; available: AP4CH");
    }

    @Test
    void aBuiltDatasetIgnoresLaterChangesToItsBuilder() {
        EtabDataset.Builder b = echonet().target("EF").frameL(32).frameW(32);
        EtabDataset d = b.build();
        b.name("camus").target("CM").view("AP2CH").frameL(0);
        assertThat(d.name()).isEqualTo("echonet");
        assertThat(d.target()).isEqualTo(Target.EF);
        assertThat(d.view()).isEqualTo("AP4CH");
        d.loadData(1, false);
        assertThat(d.data().get(0).x().shape()).containsExactly(3, 32, 32);
        EtabDataset copy = d.toBuilder().target("CM").build();
        assertThat(copy.target()).isEqualTo(Target.CM);
        assertThat(d.target()).isEqualTo(Target.EF);
        assertThat(copy.toBuilder().build().view()).isEqualTo("AP4CH");
    }

    @Test
    void buildChecksNameTargetViewAndChannelsAgainstTheRegistry() {
        assertThatThrownBy(() -> EtabDataset.builder().name("mnist").build())
                .hasMessageStartingWith("dataset 'mnist' is not supported; available: ")
                .hasMessageContaining("echonet")
                .hasMessageContaining("camus")
                .hasMessageContaining("tmed");
        assertThatThrownBy(() -> echonet().view("PLAX").build())
                .hasMessage("view 'PLAX' is not available for echonet; available: AP4CH, all"
                        + " (ETAB spellings: AP4CH (or A4CH, A4, 4CH, A4C), AP2CH (or A2CH, A2, 2CH, A2C), PLAX (or PL), PSAX"
                        + " (or PS))");
        assertThatThrownBy(() -> echonet().channels(2).build())
                .hasMessage("channels must be 1 (gray) or 3 (RGB) but was 2");
        assertThatThrownBy(() -> EtabDataset.builder().name("tmed").target("EF").build())
                .hasMessage("target 'EF' is not available for tmed; available: view, AS");
        // the dataset's own defaults: TMED-2's view task over PLAX and PSAX; CAMUS both views, aliases accepted and
        // named as the dataset names them
        EtabDataset tmed = EtabDataset.builder().name("TMED").build();
        assertThat(tmed.target()).isEqualTo(Target.VIEW);
        assertThat(tmed.view()).isEqualTo("PLAX+PSAX");
        assertThat(EtabDataset.builder().name("tmed").target("AS").build().view())
                .isEqualTo("all");
        assertThat(EtabDataset.builder().name("camus").build().view()).isEqualTo("both");
        assertThat(EtabDataset.builder().name("camus").view("2CH").build().view())
                .isEqualTo("AP2CH");
    }

    @Test
    void pixelsDefaultToEtabsPerDatasetAndTheLayoutCanBeCthw() {
        assertThat(echonet().build().resampling())
                .isEqualTo(new org.etab.transform.Resampling(org.etab.transform.ResizeFilter.BICUBIC, true));
        assertThat(EtabDataset.builder().name("camus").build().resampling())
                .isEqualTo(new org.etab.transform.Resampling(org.etab.transform.ResizeFilter.BILINEAR, true));
        assertThat(EtabDataset.builder().name("tmed").build().resampling())
                .isEqualTo(org.etab.transform.Resampling.DEFAULT);
        assertThat(echonet().antialias(false).build().resampling())
                .isEqualTo(new org.etab.transform.Resampling(org.etab.transform.ResizeFilter.BICUBIC, false));
        EtabDataset.Builder clips =
                echonet().target("EF").video(true).frameL(16).frameW(12).clipL(3);
        EtabDataset tchw = clips.build().loadData(2, false);
        EtabDataset cthw = clips.layout(org.etab.source.ClipLayout.CTHW).build().loadData(2, false);
        assertThat(cthw.toBuilder().build().layout()).isEqualTo(org.etab.source.ClipLayout.CTHW);
        for (int k = 0; k < 2; k++) {
            Item a = tchw.data().get(k);
            Item b = cthw.data().get(k);
            assertThat(a.x().shape()).containsExactly(3, 3, 16, 12);
            assertThat(b.x().axes()).isEqualTo("CTHW");
            float[] t = a.x().floats();
            float[] c = b.x().floats();
            int plane = 16 * 12;
            for (int ch = 0; ch < 3; ch++) {
                for (int pos = 0; pos < 3; pos++) {
                    assertThat(Arrays.copyOfRange(t, (pos * 3 + ch) * plane, (pos * 3 + ch + 1) * plane))
                            .containsExactly(Arrays.copyOfRange(c, (ch * 3 + pos) * plane, (ch * 3 + pos + 1) * plane));
                }
            }
        }
    }
}
