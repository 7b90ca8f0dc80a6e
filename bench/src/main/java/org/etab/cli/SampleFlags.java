package org.etab.cli;

import java.util.Locale;
import java.util.function.Function;
import org.etab.batch.DType;
import org.etab.config.EtabConfig;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.source.ClipLayout;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.FileAccess;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.transform.ResizeFilter;
import picocli.CommandLine.Option;

/**
 * The flags that say what one sample is (clip, frame size, pixels, seed), part of {@link SelectionOptions}, which
 * says which records are read. A flag left out falls back to the config file, then to the built-in default; a bad
 * value is refused naming the flag or the config key that gave it.
 */
final class SampleFlags {
    @Option(
            names = "--label-scheme",
            paramLabel = "NAME",
            description =
                    "Integer coding of a class target: tmed view "
                            + "view5 (default), view5-a2c-first, view3, view2; tmed AS as3 (default), as2, as5 (docs/datasets.md).")
    String labelScheme;

    @Option(
            names = "--clip-length",
            paramLabel = "N",
            description = "Frames per clip (ETAB clip_l; default: the config's, 32 if unset).")
    Integer clipLength;

    @Option(
            names = "--fps",
            paramLabel = "F",
            description = "Clip frame rate; 0 = the file's own (default: the config's, 25 if unset).")
    Double fps;

    @Option(
            names = "--frame-size",
            paramLabel = "LxW|native",
            description = "Output frame size (default: the config's, 112x112 if unset).")
    String frameSize;

    @Option(
            names = "--normalize",
            arity = "1",
            description = "ImageNet normalization (default: the config's, true if unset; false with --dtype uint8).")
    Boolean normalize;

    @Option(
            names = "--padding",
            arity = "1",
            description = "Pad short clips with zero frames (default: the config's, true if unset).")
    Boolean padding;

    @Option(
            names = "--clip-start",
            defaultValue = "random",
            description = "random, first or all (default: ${DEFAULT-VALUE}).")
    String clipStart;

    @Option(
            names = "--channels",
            defaultValue = "3",
            description = "3 (RGB replicated from gray) or 1 (gray) (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(
            names = "--dtype",
            defaultValue = "float32",
            description = "float32, or uint8 (raw pixels, no normalization) (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(
            names = "--resize",
            defaultValue = "bilinear",
            paramLabel = "nearest|bilinear|bicubic|area",
            description = "Resize filter (default: ${DEFAULT-VALUE}); see --antialias.")
    String resize;

    @Option(
            names = "--antialias",
            arity = "1",
            defaultValue = "false",
            paramLabel = "true|false",
            description = "true: Pillow's Image.resize filter (support widened when shrinking; area = BOX); "
                    + "false: OpenCV's cv2.resize (default: ${DEFAULT-VALUE}).")
    boolean antialias;

    @Option(
            names = "--layout",
            defaultValue = "cthw",
            paramLabel = "cthw|tchw",
            description = "Clip axes: [C, T, H, W] or ETAB's [T, C, H, W] (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(
            names = "--seed",
            description = "Seed for the order and the clip starts (default: the config's, 42 if unset).")
    Long seed;

    @Option(
            names = "--shuffle",
            arity = "1",
            defaultValue = "false",
            description = "A fresh seeded order every epoch (default: ${DEFAULT-VALUE}).")
    boolean shuffle;

    /**
     * The ETAB sample options, from these flags over the config over the defaults.
     *
     * @param cfg        the configuration in force, for the defaults and to name its keys in refusals
     * @param ds         the selected dataset
     * @param target     the target, given or the dataset's default
     * @param asVideo    clips (true) or single frames
     * @param fileAccess where the dataset's files may lie
     */
    SampleOptions options(EtabConfig cfg, DatasetProvider ds, Target target, boolean asVideo, FileAccess fileAccess) {
        EtabConfig.PipelineDefaults d = cfg.pipeline();
        int clipL = clipLength != null ? clipLength : d.clipLength();
        double f = fps != null ? fps : d.fps();
        boolean pad = padding != null ? padding : d.padding();
        if (channels != 1 && channels != 3) { // SampleOptions checks the same, naming no flag
            throw new IllegalArgumentException("--channels must be 1 (gray) or 3 (RGB) but was " + channels);
        }
        // a bad value is named as the user gave it: a flag, or a key of the config file
        if (asVideo && (clipL < 1 || clipL > ClipSpec.MAX_LENGTH)) {
            throw new IllegalArgumentException((clipLength != null ? "--clip-length" : cfg.describe("clip_length"))
                    + " must be 1.." + ClipSpec.MAX_LENGTH + " but was " + clipL);
        }
        if (!Double.isFinite(f) || f < 0) { // the library takes any f <= 0 as the file's own; the flag says 0
            throw new IllegalArgumentException((fps != null ? "--fps" : cfg.describe("fps"))
                    + " must be a frame rate, or 0 for the file's own, but was " + f);
        }
        ClipSpec clip = asVideo
                ? new ClipSpec(true, clipL, f, pad, byFlag("--clip-start", clipStart, ClipStart::parse))
                : ClipSpec.frame();
        int[] size = frameSize != null
                ? parseFrameSize(frameSize, "--frame-size")
                : parseFrameSize(d.frameSize(), cfg.describe("frame_size"));
        DType type = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float32" -> DType.FLOAT32;
            case "uint8" -> DType.UINT8;
            default -> throw new IllegalArgumentException("--dtype must be float32 or uint8 but was '" + dtype + "'");
        };
        boolean norm = type == DType.UINT8 ? false : normalize != null ? normalize : d.normalize();
        if (type == DType.UINT8 && Boolean.TRUE.equals(normalize)) {
            throw new IllegalArgumentException(
                    "--dtype uint8 keeps raw pixels; it cannot be combined with --normalize true");
        }
        // checked here, before any work; the default (null) stays null in the options
        String scheme = labelScheme == null ? null : DatasetRegistry.resolveLabelScheme(ds, target, labelScheme);
        return SampleOptions.builder()
                .target(target)
                .clip(clip)
                .frameSize(size[0], size[1])
                .channels(channels)
                .normalize(norm)
                .dtype(type)
                .seed(seed != null ? seed : d.seed())
                .shuffle(shuffle)
                .labelScheme(scheme)
                .resize(byFlag("--resize", resize, ResizeFilter::parse))
                .antialias(antialias)
                .layout(byFlag("--layout", layout, ClipLayout::parse))
                .fileAccess(fileAccess)
                .build();
    }

    /**
     * {@code parse(text)}; a refusal names the flag that gave the text: the library's "resize must be ..." as
     * "--resize must be ...", any other message after "--resize: ".
     */
    private static <T> T byFlag(String flag, String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            String why = String.valueOf(e.getMessage());
            int must = why.indexOf(" must be ");
            throw new IllegalArgumentException(must > 0 ? flag + why.substring(must) : flag + ": " + why, e);
        }
    }

    /** "112x112" -> {112, 112}; "native" -> {0, 0}; anything else fails, naming {@code name} (a flag or a config key). */
    static int[] parseFrameSize(String text, String name) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("native")) {
            return new int[] {0, 0};
        }
        String[] parts = s.split("x");
        try {
            if (parts.length == 2) {
                int l = Integer.parseInt(parts[0].trim());
                int w = Integer.parseInt(parts[1].trim());
                if (l > 0 && w > 0 && l <= 4096 && w <= 4096) {
                    return new int[] {l, w};
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(
                name + " must be LxW (e.g. 112x112, each 1..4096) or native but was '" + text + "'");
    }
}
