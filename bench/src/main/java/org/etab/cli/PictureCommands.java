package org.etab.cli;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.etab.api.Datasets;
import org.etab.api.Tensor;
import org.etab.batch.DType;
import org.etab.batch.Sample;
import org.etab.config.EtabConfig;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipSpec;
import org.etab.source.DatasetRegistry;
import org.etab.source.FilteredSource;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Split;
import org.etab.source.Target;
import org.etab.viz.VideoTools;
import org.etab.viz.Visualization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code etab plot} and {@code etab gif}: ETAB's {@code plot_segment} and {@code create_echo_clip} for one sample. */
final class PictureCommands {
    /**
     * Selection flags a picture of one sample's raw gray pixels does not use: refused when given, unless with the
     * value it honours anyway ({@link SelectionOptions#refuseUnused}).
     */
    static final String[] RAW_GRAY_FLAGS = {
        "--channels=1", "--dtype=uint8", "--normalize=false", "--layout", "--shuffle=false", "--limit=0"
    };

    /** The clip's flags and {@link #RAW_GRAY_FLAGS}, for plot's one frame. */
    static final String[] FRAME_FLAGS = Stream.concat(
                    Stream.of("--video=false", "--clip-length", "--fps", "--padding", "--clip-start"),
                    Stream.of(RAW_GRAY_FLAGS))
            .toArray(String[]::new);

    /** The targets plot draws: the segmentation masks. */
    static final Set<Target> MASKS = Set.of(Target.LV_SEG, Target.LA_SEG, Target.MY_SEG);

    private PictureCommands() {}

    /**
     * The one sample with {@code id} as raw gray pixels (uint8, one channel, resized with the selection's filter), and
     * the pipeline behind it.
     */
    static Picked one(SelectionOptions selection, EtabConfig cfg, String id, boolean video) {
        SampleOptions o = selection.sampleOptions(cfg);
        SampleOptions raw = SampleOptions.builder()
                .target(o.target())
                .clip(video ? o.clip() : ClipSpec.frame())
                .frameSize(o.frameHeight(), o.frameWidth())
                .resize(o.resampling().filter())
                .antialias(o.resampling().antialias())
                .channels(1)
                .normalize(false)
                .dtype(DType.UINT8)
                .seed(o.seed())
                .shuffle(false)
                .fileAccess(o.fileAccess())
                .build();
        OpenedDataset opened = selection.open(cfg, raw);
        Pipeline p = new Pipeline(
                new FilteredSource(opened.source(), Set.of(id)),
                PipelineOptions.builder()
                        .batchSize(1)
                        .threads(1)
                        .onError(ErrorPolicy.FAIL)
                        .build());
        Sample s;
        try {
            s = p.samples(0).blockFirst();
        } catch (RuntimeException e) {
            p.close();
            opened.close();
            throw e;
        }
        if (s == null) {
            String leftOut = leftOut(opened, id);
            p.close();
            opened.close();
            throw new IllegalArgumentException("no sample '" + id + "' in " + selection.dataset + " split "
                    + selection.split + (selection.view != null ? " view " + selection.view : "")
                    + (leftOut.isEmpty() ? inAnotherSplit(selection, cfg, raw, id) : leftOut));
        }
        return new Picked(s, p, opened);
    }

    /**
     * {@code "; the index left it out: <file>: <reason>"} when {@code id} is a row of the selection that the index
     * rejected (an EF of 200, say), else empty: such an id is not mistyped, and the reason says what to fix.
     */
    private static String leftOut(OpenedDataset opened, String id) {
        return opened.rejected().stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .map(r -> "; the index left it out: " + r.file() + ": " + r.reason())
                .orElse("");
    }

    /**
     * {@code "; it is in split val: ..."} when {@code id} is a sample of another split than {@code --split}'s (same
     * view and fold), else empty. On the error path only: it reads the index once more per other split, no media.
     */
    private static String inAnotherSplit(SelectionOptions selection, EtabConfig cfg, SampleOptions raw, String id) {
        Split asked = Split.selection(selection.split);
        if (asked == null) { // all: there is no other
            return "";
        }
        for (Split other : Split.values()) {
            if (other == asked) {
                continue;
            }
            String name = other.name().toLowerCase(Locale.ROOT);
            try (OpenedDataset d = selection.open(cfg, raw, name)) {
                if (d.source().plan(0).stream().anyMatch(plan -> plan.id().equals(id))) {
                    return "; it is in split " + name + ": pass --split " + name + " or --split all";
                }
            } catch (RuntimeException e) {
                // a split this dataset lacks (the original CAMUS release has no val), or an index that no longer
                // reads: no hint from it; the error stays the one above
            }
        }
        return "";
    }

    /**
     * Refuses an {@code --out} that lies inside the dataset's directory (links resolved), as bench and export do: a
     * picture named after a file of the dataset would replace it.
     */
    static void checkOut(SelectionOptions selection, EtabConfig cfg, Path out) {
        OutputPaths.check(
                selection.remoteRoot() ? null : selection.datasetRoot(cfg),
                null,
                List.of(new OutputPaths.Output("--out", out)));
    }

    /**
     * Refuses an {@code --out} whose name does not end with {@code extension} (any case): plot writes PNG bytes and
     * gif GIF bytes whatever the name says, so {@code x.jpg} would be a PNG that other tools misread.
     */
    static void checkExtension(Path out, String command, String format, String extension) {
        Path name = out.getFileName();
        if (name == null || !name.toString().toLowerCase(Locale.ROOT).endsWith(extension)) {
            throw new IllegalArgumentException("--out " + Terminal.safe(out) + ": " + command + " writes a " + format
                    + ", so the name must end with " + extension + " (any case)");
        }
    }

    /** A sample, its pipeline and its dataset, closed together. */
    record Picked(Sample sample, Pipeline pipeline, OpenedDataset dataset) implements AutoCloseable {
        @Override
        public void close() {
            sample.close();
            pipeline.close();
            dataset.close();
        }
    }

    @Command(
            name = "plot",
            mixinStandardHelpOptions = true,
            description =
                    "ETAB plot_segment: a sample's annotated frame with its mask (50 %% alpha + contour) as a PNG.")
    static final class Plot implements Callable<Integer> {
        @Mixin
        SelectionOptions selection;

        @Option(
                names = "--id",
                required = true,
                description = "Sample id (EchoNet FileName, CAMUS patient0001_4CH, ...).")
        String id;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "F.png",
                description = "The PNG to write (its name ends with .png).")
        Path out;

        @Option(
                names = "--color",
                defaultValue = "red",
                description = "red, green, blue, yellow, cyan or magenta (default: ${DEFAULT-VALUE}).")
        String color;

        @Option(
                names = "--overlay",
                arity = "1",
                defaultValue = "true",
                description = "Mask over the frame (true) or beside it (default: ${DEFAULT-VALUE}).")
        boolean overlay;

        @Override
        public Integer call() {
            checkExtension(out, "plot", "PNG", ".png");
            selection.refuseUnused("it draws one frame's raw gray pixels", FRAME_FLAGS);
            if (selection.target == null) {
                List<Target> offered = Datasets.targets(selection.dataset);
                if (!offered.contains(Target.LV_SEG)) {
                    throw new IllegalArgumentException("plot draws a segmentation mask (LV_seg, LA_seg, MY_seg), and "
                            + selection.dataset + " has none; its targets: "
                            + offered.stream().map(Target::etabName).collect(Collectors.joining(", ")));
                }
                selection.target = "LV_seg";
            }
            Target t = Datasets.target(selection.dataset, selection.target);
            if (!MASKS.contains(t)) {
                throw new IllegalArgumentException(
                        "plot needs a segmentation target (LV_seg, LA_seg, MY_seg) but was " + t.etabName());
            }
            EtabConfig cfg = selection.loadConfig();
            checkOut(selection, cfg, out);
            try (Picked p = one(selection, cfg, id, false)) {
                Visualization.plotSegment(
                        Tensor.copyOf(p.sample().features(), 0),
                        Tensor.copyOf(p.sample().labels(), 0),
                        overlay,
                        colour(color),
                        out);
            }
            System.err.println("etab plot: wrote " + Terminal.safe(out.toString()));
            return 0;
        }
    }

    @Command(
            name = "gif",
            mixinStandardHelpOptions = true,
            description = "ETAB create_echo_clip: a sample's clip as an animated GIF (loops forever).")
    static final class Gif implements Callable<Integer> {
        @Mixin
        SelectionOptions selection;

        @Option(names = "--id", required = true, description = "Sample id.")
        String id;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "F.gif",
                description = "The GIF to write (its name ends with .gif).")
        Path out;

        @Option(
                names = "--frame-ms",
                defaultValue = "50",
                description = "Milliseconds per frame: a multiple of 10 from 10 to 655350 (GIF frame durations "
                        + "are whole centiseconds, 16 bits) (default: ${DEFAULT-VALUE}).")
        int frameMillis;

        @Override
        public Integer call() {
            checkExtension(out, "gif", "GIF", ".gif");
            selection.refuseUnused("it draws one clip's raw gray pixels", RAW_GRAY_FLAGS);
            // VideoTools checks the same, naming no flag
            if (frameMillis < 10 || frameMillis > VideoTools.MAX_FRAME_MILLIS || frameMillis % 10 != 0) {
                throw new IllegalArgumentException("--frame-ms must be a multiple of 10 from 10 to "
                        + VideoTools.MAX_FRAME_MILLIS
                        + " (GIF frame durations are whole centiseconds, 16 bits) but was "
                        + frameMillis);
            }
            if (Boolean.FALSE.equals(selection.video)) {
                throw new IllegalArgumentException("gif makes a clip: --video false does not apply to it");
            }
            if (!DatasetRegistry.get(selection.dataset).videoByDefault()) {
                throw new IllegalArgumentException(
                        "gif makes a clip, and " + selection.dataset + " has still images only");
            }
            selection.video = true;
            EtabConfig cfg = selection.loadConfig();
            checkOut(selection, cfg, out);
            try (Picked p = one(selection, cfg, id, true)) {
                VideoTools.createEchoClip(Tensor.copyOf(p.sample().features(), 0), out, frameMillis);
            }
            System.err.println("etab gif: wrote " + Terminal.safe(out.toString()));
            return 0;
        }
    }

    static Color colour(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "red" -> Color.RED;
            case "green" -> Color.GREEN;
            case "blue" -> Color.BLUE;
            case "yellow" -> Color.YELLOW;
            case "cyan" -> Color.CYAN;
            case "magenta" -> Color.MAGENTA;
            default ->
                throw new IllegalArgumentException(
                        "--color must be red, green, blue, yellow, cyan or magenta but was '" + name + "'");
        };
    }
}
