package org.etab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtabConfigTest {
    @TempDir
    Path dir;

    @Test
    void theShippedConfigLoadsWithTheBuiltInDefaults() {
        Path shipped = Path.of("..", "config", "etab.yaml");
        EtabConfig cfg = EtabConfig.load(shipped, Map.of());
        assertThat(cfg.directory("echonet")).isNull();
        assertThat(cfg.pipeline()).isEqualTo(EtabConfig.PipelineDefaults.BUILT_IN);
    }

    @Test
    void relativeDirectoriesResolveAgainstTheFileAndTheEnvironmentWins() throws Exception {
        Path file = Files.writeString(dir.resolve("etab.yaml"), "echonet_dir: data/echo\ncamus_dir: /abs/camus\n"
                + "pipeline:\n  batch: 8\n");
        EtabConfig cfg = EtabConfig.load(file, Map.of());
        assertThat(cfg.directory("echonet")).isEqualTo(dir.resolve("data/echo"));
        assertThat(cfg.directory("camus")).isEqualTo(Path.of("/abs/camus"));
        assertThat(cfg.pipeline().batch()).isEqualTo(8);
        assertThat(cfg.pipeline().clipLength()).isEqualTo(32); // not in the file: built-in

        EtabConfig env = EtabConfig.load(file, Map.of("ETAB_ECHONET_DIR", "/from/env"));
        assertThat(env.directory("echonet")).isEqualTo(Path.of("/from/env"));
    }

    @Test
    void anUnknownKeyIsAnErrorNamingTheKeyAndTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "echonet_dir: x\npipeline:\n  batchsize: 8\n");
        assertThatThrownBy(() -> EtabConfig.load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("unknown key 'batchsize'");
    }

    @Test
    void brokenYamlNamesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yaml"), "echonet_dir: [unclosed\n");
        assertThatThrownBy(() -> EtabConfig.load(file, Map.of()))
                .hasMessageContaining("broken.yaml").hasMessageContaining("not a valid config");
    }
}
