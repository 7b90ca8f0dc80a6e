package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.etab.pipeline.PipelineFixtures;
import org.etab.source.DatasetPhantom;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Split;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.etab.transform.Resampling;
import org.etab.transform.ResizeFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EchoNet-Dynamic as the registry offers it: ETAB's defaults, the fold it refuses, the phantom it writes. */
class EchoNetProviderTest {
    private final EchoNetProvider echonet = new EchoNetProvider();

    @Test
    void etabsDefaultsAreTheOneViewTheTrainRowsAndAntialiasedBicubic() {
        for (Target t : EchoNetSource.TARGETS) {
            assertThat(echonet.views()).as(t.etabName()).contains(echonet.defaultView(t));
        }
        EchoNetIndex index = EchoNetReader.read(PhantomDatasets.echonet());
        assertThat(index.select(echonet.etabSplit()))
                .isNotEmpty()
                .isEqualTo(index.select("all").stream()
                        .filter(r -> r.split() == Split.TRAIN)
                        .toList());
        assertThat(echonet.etabResampling()).isEqualTo(new Resampling(ResizeFilter.BICUBIC, true)); // PIL's resize
    }

    @Test
    void aFoldOtherThanZeroIsRefusedNotIgnored() {
        SampleOptions o = PipelineFixtures.w1(1, false);
        assertThatThrownBy(() -> echonet.open(PhantomDatasets.echonet(), "all", null, 1, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fold 1")
                .hasMessageContaining("echonet");
        try (OpenedDataset opened = echonet.open(PhantomDatasets.echonet(), "all", null, 0, o)) {
            assertThat(opened.records()).isEqualTo(PhantomDatasets.ECHONET_VIDEOS);
        }
    }

    /** The {@code threads} knob (a number) changes no byte; the summary counts the videos, frames and megabytes. */
    @Test
    void writesThePhantomWithOrWithoutItsThreadsKnob(@TempDir Path dir) throws IOException {
        DatasetPhantom phantom = echonet.phantom();
        DatasetPhantom.Written one = phantom.write(dir.resolve("one"), 2, 7, Map.of("threads", " 1 "), n -> {});
        DatasetPhantom.Written every = phantom.write(dir.resolve("every"), 2, 7, Map.of(), n -> {});
        assertThat(one.bytes()).isPositive().isEqualTo(every.bytes());
        List<EchoNetRecord> videos = EchoNetReader.read(one.root()).select("all");
        assertThat(videos).hasSize(2);
        for (EchoNetRecord v : videos) {
            assertThat(v.video())
                    .hasSameBinaryContentAs(every.root().resolve(one.root().relativize(v.video())));
        }
        int frames = videos.stream().mapToInt(EchoNetRecord::frames).sum();
        assertThat(one.summary())
                .isEqualTo(String.format(Locale.ROOT, "2 videos, %d frames, %.1f MB", frames, one.bytes() / 1e6));
        assertThatThrownBy(() -> phantom.write(dir.resolve("bad"), 2, 7, Map.of("threads", "many"), n -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be a number >= 1 but was 'many'");
    }
}
