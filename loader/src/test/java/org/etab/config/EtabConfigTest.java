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
        Path file = Files.writeString(
                dir.resolve("etab.yaml"),
                "echonet_dir: data/echo\ncamus_dir: /abs/camus\n" + "pipeline:\n  batch: 8\n");
        EtabConfig cfg = EtabConfig.load(file, Map.of());
        assertThat(cfg.directory("echonet")).isEqualTo(dir.resolve("data/echo"));
        assertThat(cfg.directory("camus")).isEqualTo(Path.of("/abs/camus"));
        assertThat(cfg.pipeline().batch()).isEqualTo(8);
        assertThat(cfg.pipeline().clipLength()).isEqualTo(32); // not in the file: built-in

        EtabConfig env = EtabConfig.load(file, Map.of("ETAB_ECHONET_DIR", "/from/env"));
        assertThat(env.directory("echonet")).isEqualTo(Path.of("/from/env"));
    }

    @Test
    void aRelativeDirectoryWithDotDotIsWhereTheFileSystemFindsItThroughALinkedConfigDirectory() throws Exception {
        // real/configs/etab.yaml says "../data"; the user reaches it as linked/etab.yaml, linked -> real/configs
        Path configs = Files.createDirectories(dir.resolve("real/configs"));
        Path data = Files.createDirectories(dir.resolve("real/data"));
        Path extra = Files.createDirectories(dir.resolve("real/extra"));
        Files.writeString(configs.resolve("etab.yaml"), "echonet_dir: ../data\nextra_roots: [../extra]\n");
        Path linked = Files.createSymbolicLink(dir.resolve("linked"), configs);
        EtabConfig cfg = EtabConfig.load(linked.resolve("etab.yaml"), Map.of());
        // resolved lexically it was <dir>/data, which does not exist
        assertThat(cfg.directory("echonet").toRealPath()).isEqualTo(data.toRealPath());
        assertThat(cfg.extraRoots())
                .singleElement()
                .satisfies(p -> assertThat(p.toRealPath()).isEqualTo(extra.toRealPath()));
    }

    @Test
    void aQuotedDirectoryThatYamlWouldReadAsANumberIsKeptAsWritten() throws Exception {
        Path file = Files.writeString(dir.resolve("quoted.yaml"), "echonet_dir: \"0x70\"\ntmed_dir: '2024'\n");
        EtabConfig cfg = EtabConfig.load(file, Map.of());
        assertThat(cfg.directory("echonet")).isEqualTo(dir.resolve("0x70"));
        assertThat(cfg.directory("tmed")).isEqualTo(dir.resolve("2024"));
    }

    @Test
    void anUnknownKeyIsAnErrorNamingTheKeyAndTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "echonet_dir: x\npipeline:\n  batchsize: 8\n");
        assertThatThrownBy(() -> EtabConfig.load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining(
                        "unknown key 'pipeline.batchsize' (known: [batch, clip_length, fps, frame_size, normalize, "
                                + "padding, prefetch, seed, threads])");
    }

    @Test
    void aYamlAliasIsRefusedNotReadAsItsName() throws Exception {
        Path file = Files.writeString(
                dir.resolve("alias.yaml"), "echonet_dir: &d data\npipeline:\n  batch: &b 10\n  prefetch: *b\n");
        assertThatThrownBy(() -> EtabConfig.load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": line 4: YAML aliases ('*b') are not supported; write the value itself");
        Path aliasKey = Files.writeString(dir.resolve("key.yaml"), "pipeline:\n  batch: &k 4\n  *k : 3\n");
        assertThatThrownBy(() -> EtabConfig.load(aliasKey, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(aliasKey + ": line ")
                .hasMessageEndingWith(": YAML aliases ('*k') are not supported; write the value itself");
        // an anchor alone is harmless: the value is read as written
        Path anchored = Files.writeString(dir.resolve("anchor.yaml"), "pipeline:\n  batch: &b 10\n");
        assertThat(EtabConfig.load(anchored, Map.of()).pipeline().batch()).isEqualTo(10);
    }

    @Test
    void brokenYamlNamesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yaml"), "echonet_dir: [unclosed\n");
        assertThatThrownBy(() -> EtabConfig.load(file, Map.of()))
                .hasMessageContaining("broken.yaml")
                .hasMessageContaining("not a valid config");
    }

    @Test
    void aDeviceAFifoAndAnOversizedFileAreRefusedUnreadNamingWhy() throws Exception {
        assertThatThrownBy(() -> EtabConfig.load(dir.resolve("none.yaml"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(dir.resolve("none.yaml") + ": not found");
        assertThatThrownBy(() -> EtabConfig.load(Path.of("/dev/zero"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("/dev/zero: not a regular file (a directory, FIFO or device): refused unread");
        Path fifo = dir.resolve("fifo.yaml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        assertThatThrownBy(() -> EtabConfig.load(fifo, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("not a regular file (a directory, FIFO or device): refused unread");
        Path big = dir.resolve("big.yaml");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(EtabConfig.MAX_BYTES + 1);
        }
        assertThatThrownBy(() -> EtabConfig.load(big, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(big + ": is " + (EtabConfig.MAX_BYTES + 1) + " bytes, more than the " + EtabConfig.MAX_BYTES
                        + " a config file may have");
    }

    @Test
    void aConfigOfOneLongLineIsRefusedWithoutParsingIt() throws Exception {
        // within the 1 MiB bound, one line of it: SnakeYAML re-copies its window for a token longer than its buffer,
        // ~1 GB of garbage for a 1 MiB scalar or comment (peak RSS 1.3-1.5 GB for `etab bench`)
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long chars = EtabConfig.MAX_BYTES - 64;
        for (String text : new String[] {
            "echonet_dir: " + "x".repeat((int) chars) + "\n",
            "pipeline:\n  batch: 2\n# " + "c".repeat((int) chars) + "\n"
        }) {
            Path file = Files.writeString(dir.resolve("long.yaml"), text);
            long before = mx.getCurrentThreadAllocatedBytes();
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> EtabConfig.load(file, Map.of()));
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated reading it").isLessThan(64L << 20);
            assertThat(thrown)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(file + ": line ")
                    .hasMessageContaining(" characters, more than the " + EtabConfig.MAX_LINE_CHARS);
        }
        // a line at the bound is read
        Path edge = Files.writeString(
                dir.resolve("edge.yaml"),
                "# " + "c".repeat(EtabConfig.MAX_LINE_CHARS - 2) + "\npipeline:\n  batch: 3\n");
        assertThat(EtabConfig.load(edge, Map.of()).pipeline().batch()).isEqualTo(3);
    }

    @Test
    void extraRootsAreAListOfDirectoriesResolvedAgainstTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("etab.yaml"), "extra_roots: [/mnt/disk2, more]\n");
        assertThat(EtabConfig.load(file, Map.of()).extraRoots())
                .containsExactly(Path.of("/mnt/disk2"), dir.resolve("more"));
        assertThat(EtabConfig.load(Path.of("..", "config", "etab.yaml"), Map.of())
                        .extraRoots())
                .isEmpty();
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "extra_roots: /mnt/disk2\n");
        assertThatThrownBy(() -> EtabConfig.load(bad, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("extra_roots must be a list of directories but was");
    }

    @Test
    void badPipelineValuesAndExtraRootsNameTheFileTheKeyAndTheValue() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("pipeline: {batch: many}\n", "pipeline.batch must be a whole number but was \"many\"");
        cases.put("pipeline: {fps: fast}\n", "pipeline.fps must be a number but was \"fast\"");
        cases.put("pipeline: {normalize: [1]}\n", "pipeline.normalize must be true or false but was [1]");
        cases.put("pipeline: {colour: red}\n", "unknown key 'pipeline.colour' (known: [");
        cases.put("pipeline: 7\n", "pipeline must be settings ('key: value' lines under it) but was 7");
        cases.put("extra_roots: [{disk: 2}]\n", "extra_roots must be a directory but was {\"disk\":2}");
        cases.put("extra_roots: [\"/mnt/\\0disk\"]\n", "extra_roots is not a valid path");
        // a directory YAML read as a number or boolean: the text written is gone, so it is refused, not guessed
        cases.put(
                "echonet_dir: 0x70\n",
                "echonet_dir must be a directory but was 112 (YAML read the value as a number: put the directory in"
                        + " quotes)");
        cases.put(
                "extra_roots: [1_000]\n",
                "extra_roots must be a directory but was 1000 (YAML read the value as a number: put the directory in"
                        + " quotes)");
        cases.put(
                "camus_dir: yes\n",
                "camus_dir must be a directory but was true (YAML read the value as a boolean: put the directory in"
                        + " quotes)");
        // one meaning per file: no value of another kind read as the key's, no key twice, no second document
        cases.put("pipeline: {batch: 2.7}\n", "pipeline.batch must be a whole number but was 2.7");
        cases.put("pipeline: {batch: \"4\"}\n", "pipeline.batch must be a whole number but was \"4\"");
        cases.put("pipeline: {normalize: 1}\n", "pipeline.normalize must be true or false but was 1");
        cases.put(
                "pipeline: {frame_size: 0x70}\n",
                "pipeline.frame_size must be text but was 112 (YAML read the value as a number: put the text in quotes)");
        cases.put(
                "pipeline: {frame_size: 112}\n",
                "pipeline.frame_size must be text but was 112 (YAML read the value as a number: put the text in quotes)");
        cases.put(
                "pipeline: {frame_size: yes}\n",
                "pipeline.frame_size must be text but was true (YAML read the value as a boolean: put the text in quotes)");
        cases.put(
                "pipeline: {batch: 8}\npipeline: {seed: 3}\n",
                "not a valid config: line 2: key 'pipeline' given twice (each key once)");
        cases.put(
                "pipeline:\n  batch: 8\n  batch: 9\n",
                "not a valid config: line 3: key 'batch' given twice (each key once)");
        cases.put(
                "pipeline: {batch: 8}\n---\npipeline: {batch: 0}\n",
                "not a valid config: a second YAML document (after '---'): a config file holds one");
        int n = 0;
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = Files.writeString(dir.resolve("case" + n++ + ".yaml"), c.getKey());
            assertThatThrownBy(() -> EtabConfig.load(file, Map.of()))
                    .as(c.getKey())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(file + ": ")
                    .hasMessageContaining(c.getValue());
        }
    }

    @Test
    void eachPipelineKeyTheFileGivesReplacesItsBuiltInValueAndOnlyThat() throws Exception {
        Path all = Files.writeString(
                dir.resolve("all.yaml"),
                "pipeline:\n  batch: 4\n  threads: 3\n  prefetch: 5\n  clip_length: 16\n  fps: 12.5\n"
                        + "  frame_size: native\n  normalize: false\n  padding: false\n  seed: 9\n");
        assertThat(EtabConfig.load(all, Map.of()).pipeline())
                .isEqualTo(new EtabConfig.PipelineDefaults(4, 3, 5, 16, 12.5, "native", false, false, 9L));
        Path some = Files.writeString(dir.resolve("some.yaml"), "pipeline:\n  threads: 1\n  padding: false\n");
        EtabConfig.PipelineDefaults b = EtabConfig.PipelineDefaults.BUILT_IN;
        assertThat(EtabConfig.load(some, Map.of()).pipeline())
                .isEqualTo(new EtabConfig.PipelineDefaults(
                        b.batch(),
                        1,
                        b.prefetch(),
                        b.clipLength(),
                        b.fps(),
                        b.frameSize(),
                        b.normalize(),
                        false,
                        b.seed()));
    }

    @Test
    void anEmptyFileIsTheBuiltInConfigAndSettingsAreNamedWhereTheyCameFrom() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        EtabConfig fromFile = EtabConfig.load(empty, Map.of());
        EtabConfig builtIn = EtabConfig.builtIn();
        assertThat(fromFile).isEqualTo(builtIn).hasSameHashCodeAs(builtIn).hasToString(builtIn.toString());
        assertThat(fromFile.file()).isEqualTo(empty);
        assertThat(builtIn.file()).isNull();
        assertThat(fromFile.describe("batch")).isEqualTo("pipeline.batch in " + empty);
        assertThat(builtIn.describe("batch")).isEqualTo("the built-in pipeline.batch");
        Path other = Files.writeString(dir.resolve("other.yaml"), "pipeline: {seed: 1}\n");
        assertThat(EtabConfig.load(other, Map.of())).isNotEqualTo(builtIn);
        assertThat(EtabConfig.load(other, Map.of("ETAB_TMED_DIR", "/t")))
                .isNotEqualTo(EtabConfig.load(other, Map.of()));
    }

    @Test
    void aLongLineIsNamedByItsNumberWhateverTheLineEndsAndEvenAtTheEndOfTheFile() throws Exception {
        String longLine = "# " + "c".repeat(EtabConfig.MAX_LINE_CHARS - 1); // one character over
        for (String ends : new String[] {"\n", "\r\n", "\r"}) {
            Path file = Files.writeString(
                    dir.resolve("ends.yaml"), "pipeline:" + ends + "  batch: 2" + ends + longLine + ends);
            assertThatThrownBy(() -> EtabConfig.load(file, Map.of()))
                    .as("lines ending in %s", ends.replace("\r", "CR").replace("\n", "LF"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(file + ": line 3 is " + (EtabConfig.MAX_LINE_CHARS + 1) + " characters, more than the "
                            + EtabConfig.MAX_LINE_CHARS + " a config line may have");
        }
        Path last = Files.writeString(dir.resolve("last.yaml"), "pipeline: {batch: 2}\n" + longLine);
        assertThatThrownBy(() -> EtabConfig.load(last, Map.of()))
                .hasMessageStartingWith(last + ": line 2 is " + (EtabConfig.MAX_LINE_CHARS + 1) + " characters");
    }

    @Test
    void aFileOfExactlyTheLargestSizeIsRead() throws Exception {
        String comment = "#" + "c".repeat(1022) + "\n"; // 1 KiB
        String settings = "pipeline: {batch: 5}\n";
        String text = settings + comment.repeat((int) (EtabConfig.MAX_BYTES / 1024) - 1) + "#"
                + "c".repeat(1024 - settings.length() - 2) + "\n";
        assertThat(text).hasSize((int) EtabConfig.MAX_BYTES);
        Path file = Files.writeString(dir.resolve("largest.yaml"), text);
        assertThat(EtabConfig.load(file, Map.of()).pipeline().batch()).isEqualTo(5);
    }

    @Test
    void brokenYamlSaysWhatTheParserFound() throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yaml"), "pipeline:\n  batch: [4\n");
        assertThatThrownBy(() -> EtabConfig.load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": not a valid config: ")
                .hasMessageContaining("line 3"); // the parser's own words, with where it stopped
    }
}
