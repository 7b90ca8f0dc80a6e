package org.etab.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.etab.datasets.camus.CamusPhantom;
import org.etab.datasets.camus.CamusRelease;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.tmed.TmedPhantom;
import org.etab.decode.ImageVolume;
import org.etab.decode.MetaImageWriter;
import org.etab.decode.NiftiWriter;
import org.etab.synth.MjpegAviWriter;

/**
 * Writes the seed inputs of {@link MediaFuzzTest} and {@link TextFuzzTest} with the project's own writers (the
 * phantom datasets, the MetaImage, NIfTI and MJPEG AVI writers), each as small as its format allows, so that the
 * fuzzer starts from valid files. Run by {@code bench/fuzz/fuzz.sh --seeds}; the output is committed under
 * {@code src/test/resources/org/etab/fuzz/}, where JUnit replays it and the fuzzer starts from it.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {}

    /**
     * Writes the seeds.
     *
     * @param args one argument: the resources directory of this package
     * @throws IOException when a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: FuzzSeeds <loader/src/test/resources/org/etab/fuzz>");
        }
        Path out = Path.of(args[0]);
        Path media = out.resolve("MediaFuzzTestInputs");
        Path text = out.resolve("TextFuzzTestInputs");
        Path scratch = Files.createTempDirectory("etab-fuzz-seeds-");

        ImageVolume volume = MediaFuzzTest.volume();
        MetaImageWriter.write(seed(media, "metaImage", "local.mha"), volume, false, true);
        MetaImageWriter.write(seed(media, "metaImage", "local-zlib.mha"), volume, true, true);
        // a header naming the data files MediaFuzzTest keeps beside it
        MetaImageWriter.write(scratch.resolve(MediaFuzzTest.MHD), volume, false, false);
        copy(scratch.resolve(MediaFuzzTest.MHD), seed(media, "metaImage", "raw.mhd"));
        MetaImageWriter.write(scratch.resolve(MediaFuzzTest.MHD), volume, true, false);
        copy(scratch.resolve(MediaFuzzTest.MHD), seed(media, "metaImage", "zraw.mhd"));
        NiftiWriter.write(seed(media, "nifti", "volume.nii"), volume);
        NiftiWriter.write(seed(media, "nifti", "volume.nii.gz"), volume);

        // EchoNet's videos are 112x112 and 80+ frames; the fuzzer wants a few KB: 16x16, 3 frames, same writer
        try (MjpegAviWriter avi = new MjpegAviWriter(seed(media, "aviIndex", "mjpeg-16x16x3.avi"), 16, 16, 50, 8)) {
            byte[] gray = new byte[16 * 16];
            for (int f = 0; f < 3; f++) {
                java.util.Arrays.fill(gray, (byte) (60 + 70 * f));
                avi.write(gray);
            }
        }

        Path tmed = scratch.resolve("tmed");
        new TmedPhantom(new TmedPhantom.Options(2, 7)).write(tmed);
        try (Stream<Path> files = Files.walk(tmed)) {
            copy(
                    files.filter(p -> p.toString().endsWith(".png"))
                            .sorted()
                            .findFirst()
                            .orElseThrow(),
                    seed(media, "png", "tmed.png"));
        }
        copy(tmed.resolve("labels_per_image.csv"), seed(text, "tmedLabels", "labels_per_image.csv"));
        copy(tmed.resolve(TmedPhantom.foldFile(0)), seed(text, "tmedFold", TmedPhantom.foldFile(0)));

        Path echonet = scratch.resolve("echonet");
        var twoVideos = EchoNetPhantom.Options.builder().videos(2).seed(7).threads(1);
        new EchoNetPhantom(twoVideos.build()).write(echonet);
        copy(echonet.resolve("FileList.csv"), seed(text, "echoNetFileList", "FileList.csv"));
        copy(echonet.resolve("VolumeTracings.csv"), seed(text, "echoNetTracings", "VolumeTracings.csv"));

        for (CamusRelease release : CamusRelease.values()) {
            Path camus = scratch.resolve("camus-" + release);
            new CamusPhantom(new CamusPhantom.Options(1, 7, release)).write(camus);
            try (Stream<Path> files = Files.walk(camus)) {
                copy(
                        files.filter(p -> p.getFileName().toString().equals("Info_4CH.cfg"))
                                .findFirst()
                                .orElseThrow(),
                        seed(
                                text,
                                "camusInfo",
                                "Info_4CH-" + release.name().toLowerCase(java.util.Locale.ROOT) + ".cfg"));
            }
        }
        copy(Path.of("..", "config", "etab.yaml"), seed(text, "configFile", "etab.yaml"));
    }

    private static Path seed(Path inputs, String target, String name) throws IOException {
        return Files.createDirectories(inputs.resolve(target)).resolve(name);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
}
