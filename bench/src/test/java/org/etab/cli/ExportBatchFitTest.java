package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;

import java.nio.file.Path;
import java.util.regex.Matcher;
import org.etab.datasets.camus.CamusRelease;
import org.etab.testing.CamusPhantoms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export's batch size shapes no output unless drop-last is asked for, so without {@code --batch} it is the default
 * or the largest smaller one that fits: native-size CAMUS sequences (hundreds of MB a clip at the real size) export
 * with no flag to tune, where the default batch of 20 is refused before it allocates (found by CliRandomRunsTest).
 */
class ExportBatchFitTest {
    // 120 frames of float32 RGB at the phantom's sizes (up to ~90,000 pixels): about 128 MB a clip, so that 20 make
    // a batch tensor over 2 GiB, as 32 frames of the real CAMUS's do
    private static final String NATIVE_CLIPS = "export --dataset camus --root %s --split all --video true"
            + " --clip-length 120 --padding true --frame-size native --threads 1 --prefetch 0 --limit 2 --quiet";

    @Test
    void nativeClipsTooLargeForTheDefaultBatchExportInSmallerBatches(@TempDir Path tmp) {
        Path root = CamusPhantoms.camus(CamusRelease.NIFTI);
        EtabCliTest.Run r = EtabCliTest.etab(CommandLines.concat(
                line(NATIVE_CLIPS, root), "--out", tmp.resolve("fit").toString()));
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = EtabCliTest.assertResultLine(r);
        assertThat(m.group("delivered")).isEqualTo("2");
        assertThat(tmp.resolve("fit").resolve("manifest.csv")).isRegularFile();
    }

    @Test
    void anExplicitBatchIsKeptAndRefusedWhenItDoesNotFit(@TempDir Path tmp) {
        Path root = CamusPhantoms.camus(CamusRelease.NIFTI);
        EtabCliTest.Run r = EtabCliTest.etab(CommandLines.concat(
                line(NATIVE_CLIPS, root),
                "--batch",
                "20",
                "--out",
                tmp.resolve("asked").toString()));
        r.isOneLineExit2("a batch of 20 samples of float32[3, 120, ");
        assertThat(r.err()).contains("lower the batch size");
    }
}
