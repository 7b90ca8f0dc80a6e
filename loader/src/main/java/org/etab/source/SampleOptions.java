package org.etab.source;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.transform.Resampling;
import org.etab.transform.ResizeFilter;

/**
 * What a sample is, in ETAB's terms, for any dataset (which records, i.e. split and view, is the reader's
 * {@code select}). Each dataset's source checks that it offers the target and says what it offers if not.
 * Immutable; made with {@link #builder()}:
 *
 * <pre>{@code
 * SampleOptions w1 = SampleOptions.builder().target(Target.EF).clipLength(32).fps(25).frameSize(112, 112).build();
 * }</pre>
 *
 * Defaults (workload W1): a video clip of 32 frames at 25 fps with zero padding and a random start, 112x112,
 * 3 channels, ImageNet-normalized float32, seed 42, no shuffle, the dataset's default label scheme, OpenCV-style
 * bilinear resize without antialiasing, clips as {@code [C, T, H, W]}. {@link #target()} has no default.
 */
public final class SampleOptions {
    /** The largest frame side (rows or columns) a sample may have, requested or native. */
    public static final int MAX_FRAME_SIDE = 4096;
    /** The most frames a clip may have. */
    public static final int MAX_CLIP_LENGTH = 10_000;
    /** The largest input tensor one sample may have: 1 GiB. */
    public static final long MAX_SAMPLE_BYTES = 1L << 30;

    private final Target target;
    private final ClipSpec clip;
    private final int frameHeight;
    private final int frameWidth;
    private final int channels;
    private final boolean normalize;
    private final DType dtype;
    private final long seed;
    private final boolean shuffle;
    private final Resampling resampling;
    private final ClipLayout layout;
    private final String labelScheme;
    private final boolean allowLinksOutside;
    private final List<Path> extraRoots;

    private SampleOptions(Builder b) {
        this.target = b.target;
        this.clip = b.video ? new ClipSpec(true, b.clipLength, b.fps, b.padding, b.clipStart) : ClipSpec.frame();
        this.frameHeight = b.frameHeight;
        this.frameWidth = b.frameWidth;
        this.channels = b.channels;
        this.normalize = b.normalize;
        this.dtype = b.dtype;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.resampling = new Resampling(b.resize, b.antialias);
        this.layout = b.layout;
        this.labelScheme = b.labelScheme;
        this.allowLinksOutside = b.allowLinksOutside;
        this.extraRoots = b.extraRoots;
    }

    /**
     * A builder with the defaults above.
     *
     * @return a new builder; only the target must be set
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these options, to make a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .target(target)
                .clip(clip)
                .frameSize(frameHeight, frameWidth)
                .channels(channels)
                .normalize(normalize)
                .dtype(dtype)
                .seed(seed)
                .shuffle(shuffle)
                .labelScheme(labelScheme)
                .allowLinksOutside(allowLinksOutside)
                .extraRoots(extraRoots)
                .resize(resampling.filter())
                .antialias(resampling.antialias())
                .layout(layout);
    }

    /**
     * The ETAB target.
     *
     * @return the target, never null
     */
    public Target target() {
        return target;
    }

    /**
     * Video or frame, clip length, fps, padding, clip start.
     *
     * @return the clip settings; {@code video()} false for single frames
     */
    public ClipSpec clip() {
        return clip;
    }

    /**
     * Output rows (ETAB {@code frame_l}); 0 keeps the native size.
     *
     * @return rows, 1 to {@link #MAX_FRAME_SIDE}, or 0
     */
    public int frameHeight() {
        return frameHeight;
    }

    /**
     * Output columns (ETAB {@code frame_w}); 0 keeps the native size.
     *
     * @return columns, 1 to {@link #MAX_FRAME_SIDE}, or 0
     */
    public int frameWidth() {
        return frameWidth;
    }

    /**
     * 3 (RGB replicated from gray, as the reference models expect) or 1 (gray).
     *
     * @return 1 or 3
     */
    public int channels() {
        return channels;
    }

    /**
     * ImageNet normalization (float32 only).
     *
     * @return true when pixels are normalized with ImageNet's mean and deviation
     */
    public boolean normalize() {
        return normalize;
    }

    /**
     * FLOAT32, or UINT8 raw pixels for normalization on the device.
     *
     * @return {@link DType#FLOAT32} or {@link DType#UINT8}
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * Seeds the epoch order and the random clip starts.
     *
     * @return the seed (default 42): the same seed gives the same order and clip starts
     */
    public long seed() {
        return seed;
    }

    /**
     * A fresh seeded permutation every epoch.
     *
     * @return true when the order is shuffled every epoch; false keeps the index order
     */
    public boolean shuffle() {
        return shuffle;
    }

    /**
     * The integer coding of a class target (TMED-2's view and AS: {@code DatasetProvider.labelSchemes}), or null for
     * the dataset's default.
     *
     * @return the scheme's name, or null
     */
    public String labelScheme() {
        return labelScheme;
    }

    /**
     * True when a dataset may open files whose real path lies outside its root (links to anywhere); they must
     * still be regular files ({@link DatasetFiles}).
     *
     * @return false by default
     */
    public boolean allowLinksOutside() {
        return allowLinksOutside;
    }

    /**
     * Directories besides the dataset root that its files' real paths may lie under ({@link DatasetFiles}).
     *
     * @return the directories, immutable; empty by default
     */
    public List<Path> extraRoots() {
        return extraRoots;
    }

    /**
     * How frames are resized to the frame size: a filter, Pillow's (antialias) or OpenCV's definition.
     *
     * @return the filter and whether it antialiases
     */
    public Resampling resampling() {
        return resampling;
    }

    /**
     * The axis order of clips ({@code [C, T, H, W]} or {@code [T, C, H, W]}).
     *
     * @return the layout, never null
     */
    public ClipLayout layout() {
        return layout;
    }

    /**
     * The input tensor of one sample for frames of {@code height x width}, its axes named: {@code [C, T, H, W]}
     * or {@code [T, C, H, W]} for a clip ({@link #layout()}), {@code [C, H, W]} for a still.
     *
     * @param height rows of each frame, {@code >= 1}
     * @param width  columns of each frame, {@code >= 1}
     * @return the spec, of {@link #dtype()}
     * @throws IllegalArgumentException when a dimension is below 1
     */
    public TensorSpec featureSpec(int height, int width) {
        if (!clip.video()) {
            return new TensorSpec(dtype, "CHW", channels, height, width);
        }
        return layout == ClipLayout.CTHW
                ? new TensorSpec(dtype, "CTHW", channels, clip.clipLength(), height, width)
                : new TensorSpec(dtype, "TCHW", clip.clipLength(), channels, height, width);
    }

    /**
     * Checks that a sample with frames of {@code height x width} stays within {@link #MAX_FRAME_SIDE} and
     * {@link #MAX_SAMPLE_BYTES}: a native size is known only once the index is read, so sources check it then.
     *
     * @param height rows of each frame, {@code >= 1}
     * @param width  columns of each frame, {@code >= 1}
     * @throws IllegalArgumentException naming the shape, its size and the limit
     */
    public void checkSampleSize(int height, int width) {
        if (height > MAX_FRAME_SIDE || width > MAX_FRAME_SIDE) {
            throw new IllegalArgumentException("frame size must be at most " + MAX_FRAME_SIDE + "x" + MAX_FRAME_SIDE
                    + " but was " + height + "x" + width);
        }
        TensorSpec spec = featureSpec(height, width);
        if (spec.bytes() > MAX_SAMPLE_BYTES) {
            throw new IllegalArgumentException("one sample of " + Arrays.toString(spec.shape()) + " "
                    + dtype.name().toLowerCase(Locale.ROOT) + " is " + spec.bytes() + " bytes, more than the "
                    + MAX_SAMPLE_BYTES + "-byte (1 GiB) limit; lower the clip length, the frame size or the channels");
        }
    }

    /**
     * True when frames keep the dataset's native size.
     *
     * @return true when the frame size is 0x0
     */
    public boolean nativeSize() {
        return frameHeight == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleOptions s
                && target == s.target
                && clip.equals(s.clip)
                && frameHeight == s.frameHeight
                && frameWidth == s.frameWidth
                && channels == s.channels
                && normalize == s.normalize
                && dtype == s.dtype
                && seed == s.seed
                && shuffle == s.shuffle
                && Objects.equals(labelScheme, s.labelScheme)
                && resampling.equals(s.resampling)
                && layout == s.layout
                && allowLinksOutside == s.allowLinksOutside
                && extraRoots.equals(s.extraRoots);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                target,
                clip,
                frameHeight,
                frameWidth,
                channels,
                normalize,
                dtype,
                seed,
                shuffle,
                labelScheme,
                resampling,
                layout,
                allowLinksOutside,
                extraRoots);
    }

    @Override
    public String toString() {
        return "SampleOptions[target=" + target + ", clip=" + clip + ", frame=" + frameHeight + "x" + frameWidth
                + ", channels=" + channels + ", normalize=" + normalize + ", dtype=" + dtype + ", seed=" + seed
                + ", shuffle=" + shuffle + ", labelScheme=" + labelScheme + ", resize=" + resampling + ", layout="
                + layout.cliName() + (allowLinksOutside ? ", allowLinksOutside" : "")
                + (extraRoots.isEmpty() ? "" : ", extraRoots=" + extraRoots) + "]";
    }

    /** Builds {@link SampleOptions}; {@link #build()} checks every value and combination. Not thread-safe. */
    public static final class Builder {
        private Target target;
        private boolean video = true;
        private int clipLength = 32;
        private double fps = 25;
        private boolean padding = true;
        private ClipStart clipStart = ClipStart.RANDOM;
        private int frameHeight = 112;
        private int frameWidth = 112;
        private int channels = 3;
        private boolean normalize = true;
        private DType dtype = DType.FLOAT32;
        private long seed = 42;
        private boolean shuffle;
        private ResizeFilter resize = ResizeFilter.BILINEAR;
        private boolean antialias;
        private ClipLayout layout = ClipLayout.CTHW;
        private String labelScheme;
        private boolean allowLinksOutside;
        private List<Path> extraRoots = List.of();

        private Builder() {}

        /**
         * The ETAB target (required).
         *
         * @param target one the dataset offers (checked when the dataset is opened)
         * @return this builder
         */
        public Builder target(Target target) {
            this.target = target;
            return this;
        }

        /**
         * True: a clip of {@link #clipLength} frames per sample; false: one frame (ETAB {@code video}).
         *
         * @param video default true
         * @return this builder
         */
        public Builder video(boolean video) {
            this.video = video;
            return this;
        }

        /**
         * Frames per clip (ETAB {@code clip_l}), >= 1; used when {@code video} is true.
         *
         * @param clipLength 1 to {@link SampleOptions#MAX_CLIP_LENGTH}, default 32
         * @return this builder
         */
        public Builder clipLength(int clipLength) {
            this.clipLength = clipLength;
            return this;
        }

        /**
         * Target frame rate (ETAB {@code fps}); {@code <= 0} keeps the file's own rate.
         *
         * @param fps frames per second, default 25
         * @return this builder
         */
        public Builder fps(double fps) {
            this.fps = fps;
            return this;
        }

        /**
         * All clip settings at once: video or frame, clip length, fps, padding, clip start.
         *
         * @param clip the settings; for a single frame ({@code video()} false) the other clip settings are kept
         * @return this builder
         */
        public Builder clip(ClipSpec clip) {
            this.video = clip.video();
            if (clip.video()) {
                this.clipLength = clip.clipLength();
                this.fps = clip.fps();
                this.padding = clip.padding();
                this.clipStart = clip.start();
            }
            return this;
        }

        /**
         * Pad clips that run past the end of a video with zero frames (else such a sample fails).
         *
         * @param padding default true
         * @return this builder
         */
        public Builder padding(boolean padding) {
            this.padding = padding;
            return this;
        }

        /**
         * Where clips start: random, first, or every clip of the video.
         *
         * @param clipStart default {@code RANDOM}; not null
         * @return this builder
         */
        public Builder clipStart(ClipStart clipStart) {
            this.clipStart = clipStart;
            return this;
        }

        /**
         * Output size (ETAB {@code frame_l x frame_w}); {@code 0, 0} keeps the native size.
         *
         * @param height rows, 1 to {@link SampleOptions#MAX_FRAME_SIDE}, or 0; default 112
         * @param width  columns, 1 to {@link SampleOptions#MAX_FRAME_SIDE}, or 0; default 112
         * @return this builder
         */
        public Builder frameSize(int height, int width) {
            this.frameHeight = height;
            this.frameWidth = width;
            return this;
        }

        /**
         * 3 (RGB replicated from gray) or 1 (gray).
         *
         * @param channels 1 or 3, default 3
         * @return this builder
         */
        public Builder channels(int channels) {
            this.channels = channels;
            return this;
        }

        /**
         * ImageNet normalization; only with float32.
         *
         * @param normalize default true
         * @return this builder
         */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * FLOAT32, or UINT8 raw pixels (no normalization).
         *
         * @param dtype default {@link DType#FLOAT32}; not null
         * @return this builder
         */
        public Builder dtype(DType dtype) {
            this.dtype = dtype;
            return this;
        }

        /**
         * Seeds the epoch order and the random clip starts.
         *
         * @param seed default 42
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * A fresh seeded permutation every epoch.
         *
         * @param shuffle default false
         * @return this builder
         */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * The resize filter (default bilinear); see {@link Resampling}.
         *
         * @param resize not null
         * @return this builder
         */
        public Builder resize(ResizeFilter resize) {
            this.resize = resize;
            return this;
        }

        /**
         * True: Pillow's definition of the filter ({@code Image.resize}, support widened when shrinking); false
         * (default): OpenCV's ({@code cv2.resize}); see {@link Resampling}.
         *
         * @param antialias whether to follow Pillow
         * @return this builder
         */
        public Builder antialias(boolean antialias) {
            this.antialias = antialias;
            return this;
        }

        /**
         * The axis order of clips (default {@code CTHW}).
         *
         * @param layout not null
         * @return this builder
         */
        public Builder layout(ClipLayout layout) {
            this.layout = layout;
            return this;
        }

        /**
         * The integer coding of a class target, by name (TMED-2: {@code view5}, {@code view5-a2c-first},
         * {@code view3}, {@code view2} for view; {@code as3}, {@code as2}, {@code as5} for AS); null (the default)
         * for the dataset's default. The dataset checks the name when it is opened.
         *
         * @param labelScheme the scheme's name, or null
         * @return this builder
         */
        public Builder labelScheme(String labelScheme) {
            this.labelScheme = labelScheme;
            return this;
        }

        /**
         * Lets the dataset open regular files whose real path lies outside its root (default false: such a file
         * is a failed sample naming where it leads).
         *
         * @param allowLinksOutside whether links may lead anywhere (files must still be regular)
         * @return this builder
         */
        public Builder allowLinksOutside(boolean allowLinksOutside) {
            this.allowLinksOutside = allowLinksOutside;
            return this;
        }

        /**
         * Directories besides the root that the dataset's files may lead to by links (default none).
         *
         * @param extraRoots the directories (copied); each must exist when the dataset is opened
         * @return this builder
         */
        public Builder extraRoots(List<Path> extraRoots) {
            this.extraRoots = List.copyOf(extraRoots);
            return this;
        }

        /**
         * Checks every value and combination and makes the options.
         *
         * @return the immutable options
         * @throws NullPointerException     when dtype, clip start, resize filter or layout was set to null
         * @throws IllegalArgumentException naming the value, when the target is missing, a label scheme is given for a
         *                                  target that is not a class (view, AS), the frame size is not two
         *                                  positive numbers (or 0x0), channels are not 1 or 3, uint8 is asked to be
         *                                  normalized, or a clip setting is out of range
         */
        public SampleOptions build() {
            if (target == null) {
                throw new IllegalArgumentException("target required (e.g. Target.EF) but was not set");
            }
            if (frameHeight < 0 || frameWidth < 0 || (frameHeight == 0) != (frameWidth == 0)) {
                throw new IllegalArgumentException(
                        "frame size must be two positive numbers, or 0x0 for native, but was " + frameHeight + "x"
                                + frameWidth);
            }
            if (frameHeight > MAX_FRAME_SIDE || frameWidth > MAX_FRAME_SIDE) {
                throw new IllegalArgumentException("frame size must be at most " + MAX_FRAME_SIDE + "x" + MAX_FRAME_SIDE
                        + " but was " + frameHeight + "x" + frameWidth);
            }
            if (video && clipLength > MAX_CLIP_LENGTH) {
                throw new IllegalArgumentException(
                        "clipLength <= " + MAX_CLIP_LENGTH + " required but was " + clipLength);
            }
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("channels must be 1 (gray) or 3 (RGB) but was " + channels);
            }
            if (labelScheme != null && target != Target.VIEW && target != Target.AS) {
                throw new IllegalArgumentException("label scheme '" + labelScheme + "' applies to the class targets "
                        + "view and AS, not '" + target.etabName() + "'");
            }
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(clipStart, "clipStart");
            Objects.requireNonNull(resize, "resize");
            Objects.requireNonNull(layout, "layout");
            if (dtype == DType.UINT8 && normalize) {
                throw new IllegalArgumentException(
                        "uint8 keeps raw pixels; it cannot be combined with normalize(true)");
            }
            SampleOptions built = new SampleOptions(this);
            if (!built.nativeSize()) {
                built.checkSampleSize(frameHeight, frameWidth);
            }
            return built;
        }
    }
}
