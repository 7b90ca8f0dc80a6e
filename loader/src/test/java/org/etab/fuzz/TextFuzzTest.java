package org.etab.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.etab.config.EtabConfig;
import org.etab.datasets.camus.CamusInfo;
import org.etab.datasets.echonet.EchoNetIndex;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.tmed.TmedIndex;
import org.etab.datasets.tmed.TmedReader;
import org.etab.decode.DatasetException;
import org.etab.source.Target;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz targets (Jazzer) of the text parsers: EchoNet's FileList.csv and VolumeTracings.csv, TMED-2's
 * labels_per_image.csv and fold file, CAMUS's Info_*.cfg and the config file. Each input is one whole file; a
 * dataset's other index file is its valid seed, so that only the fuzzed file can be at fault, and each index is also
 * selected from as a run would. {@link FuzzChecks#check} states the property; {@link MediaFuzzTest} says how the
 * inputs are replayed and fuzzed.
 */
@Timeout(30) // per input: a parser that hangs is a finding, also in regression runs
class TextFuzzTest {
    private static final Path ECHONET =
            dataset("echonet", "echoNetFileList", "FileList.csv", "echoNetTracings", "VolumeTracings.csv");
    private static final Path TMED =
            dataset("tmed", "tmedLabels", "labels_per_image.csv", "tmedFold", TmedReader.foldFile(0));
    private static final Path CFG = FuzzChecks.scratch("camus").resolve("Info_4CH.cfg");
    private static final Path CONFIG = FuzzChecks.scratch("config").resolve("etab.yaml");

    /**
     * A dataset directory holding both its index files, each the seed of its target, so that only the file a target
     * writes over can be at fault.
     */
    private static Path dataset(String name, String target1, String file1, String target2, String file2) {
        Path dir = FuzzChecks.scratch(name);
        try {
            Files.write(dir.resolve(file1), FuzzChecks.seed(TextFuzzTest.class, target1, file1));
            Files.write(dir.resolve(file2), FuzzChecks.seed(TextFuzzTest.class, target2, file2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    @FuzzTest
    void echoNetFileList(byte[] input) throws Exception {
        echoNet("FileList.csv", input);
    }

    @FuzzTest
    void echoNetTracings(byte[] input) throws Exception {
        echoNet("VolumeTracings.csv", input);
    }

    private static void echoNet(String file, byte[] input) throws Exception {
        indexFile(ECHONET.resolve(file), input, () -> {
            EchoNetIndex index = EchoNetReader.read(ECHONET);
            for (String split : List.of("all", "train", "val", "test")) {
                index.select(split);
                index.rejected(split);
            }
        });
    }

    @FuzzTest
    void tmedLabels(byte[] input) throws Exception {
        tmed("labels_per_image.csv", input);
    }

    @FuzzTest
    void tmedFold(byte[] input) throws Exception {
        tmed(TmedReader.foldFile(0), input);
    }

    private static void tmed(String file, byte[] input) throws Exception {
        indexFile(TMED.resolve(file), input, () -> {
            TmedIndex index = TmedReader.read(TMED, 0);
            for (Target target : List.of(Target.VIEW, Target.AS)) {
                for (String split : List.of("all", "train", "test")) {
                    for (String view : List.of("all", "both", "AP2CH")) {
                        index.selection(split, view, target);
                    }
                }
            }
        });
    }

    /** Writes {@code input} over one index file of a dataset, checks {@code read}, then puts the valid file back. */
    private static void indexFile(Path fuzzed, byte[] input, FuzzChecks.Parse read) throws Exception {
        byte[] valid = Files.readAllBytes(fuzzed);
        try {
            FuzzChecks.checkFile(fuzzed, input, read, DatasetException.class);
        } finally {
            Files.write(fuzzed, valid); // the other target's companion
        }
    }

    @FuzzTest
    void camusInfo(byte[] input) throws Exception {
        FuzzChecks.checkFile(CFG, input, () -> CamusInfo.read(CFG), DatasetException.class);
    }

    @FuzzTest
    void configFile(byte[] input) throws Exception {
        FuzzChecks.checkFile(CONFIG, input, () -> EtabConfig.load(CONFIG, Map.of()), IllegalArgumentException.class);
    }
}
