package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DescribedProviderTest {

    private static final DatasetDescription DESCRIPTION = DatasetDescription.builder()
            .name("demo")
            .title("Demo")
            .targets(List.of(Target.EF, Target.CM))
            .defaultTarget(Target.CM)
            .views(List.of("AP4CH"))
            .video(false)
            .build();

    private static final class Demo extends DescribedProvider {
        Demo(DatasetPhantom phantom) {
            super(DESCRIPTION, phantom);
        }

        @Override
        public String defaultView(Target target) {
            return "AP4CH";
        }

        @Override
        public OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void answersTheRegistryFromItsDescriptionAndKeepsOnePhantom() {
        DatasetPhantom phantom = new CheckedPhantom("demo", "videos", Set.of(), (out, n, seed, knobs, p) -> null);
        Demo d = new Demo(phantom);
        assertThat(d.name()).isEqualTo("demo");
        assertThat(d.title()).isEqualTo("Demo");
        assertThat(d.targets()).containsExactly(Target.EF, Target.CM);
        assertThat(d.defaultTarget()).isEqualTo(Target.CM);
        assertThat(d.views()).containsExactly("AP4CH");
        assertThat(d.videoByDefault()).isFalse();
        assertThat(d.phantom()).isSameAs(phantom).isSameAs(d.phantom());
        assertThat(d.configKey()).isEqualTo("demo_dir");
        assertThat(d.acceptsView("ap4ch")).isTrue();
    }

    @Test
    void theDescriptionIsImmutableAndItsBuilderNamesWhatIsWrong() {
        assertThat(DESCRIPTION.toBuilder().build().targets()).isEqualTo(DESCRIPTION.targets());
        assertThat(DESCRIPTION.toBuilder().video(true).build().video()).isTrue();
        assertThat(DESCRIPTION.video()).isFalse();
        assertThatThrownBy(() -> DESCRIPTION.targets().add(Target.AS))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(
                        () -> DESCRIPTION.toBuilder().defaultTarget(Target.AS).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultTarget")
                .hasMessageContaining("AS");
        assertThatThrownBy(() -> DESCRIPTION.toBuilder().name("Demo").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Demo'");
        assertThatThrownBy(() -> DatasetDescription.builder().name("x").build())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("title");
        assertThatThrownBy(() -> new Demo(null)).hasMessageContaining("phantom");
    }

    @Test
    void aCheckedPhantomRefusesUnknownKnobsBeforeWriting() throws Exception {
        boolean[] wrote = {false};
        CheckedPhantom p =
                new CheckedPhantom("demo", "patients", Set.of("release"), (out, n, seed, knobs, progress) -> {
                    wrote[0] = true;
                    return new DatasetPhantom.Written(out, n, knobs.toString());
                });
        assertThat(p.unit()).isEqualTo("patients");
        assertThat(p.knobs()).containsExactly("release");
        assertThat(p.steps(4)).isEqualTo(4);
        assertThatThrownBy(() -> p.write(Path.of("x"), 1, 7, Map.of("threads", "2"), i -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demo")
                .hasMessageContaining("'threads'")
                .hasMessageContaining("release");
        assertThat(wrote[0]).isFalse();
        DatasetPhantom.Written w = p.write(Path.of("x"), 3, 7, Map.of("release", "mhd"), i -> {});
        assertThat(wrote[0]).isTrue();
        assertThat(w.summary()).isEqualTo("{release=mhd}");
        assertThat(w.bytes()).isEqualTo(3);
    }
}
