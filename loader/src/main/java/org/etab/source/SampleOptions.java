package org.etab.source;

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
    /** The largest input tensor one sample may have: 1 GiB. */
    public static final long MAX_SAMPLE_BYTES = 1L << 30;

    private final Target target;
    private final ClipSpec clip;
    private final FeatureFormat format;
    private final long seed;
    private final boolean shuffle;
    private final Resampling resampling;
    private final String labelScheme;
    private final FileAccess fileAccess;

    private SampleOptions(Builder b, FeatureFormat format) {
        this.target = b.target;
        this.clip = b.video ? new ClipSpec(true, b.clipLength, b.fps, b.padding, b.clipStart) : ClipSpec.frame();
        this.format = format;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.resampling = new Resampling(b.resize, b.antialias);
        this.labelScheme = b.labelScheme;
        this.fileAccess = b.fileAccess;
    }

    /** {@return a new builder with the defaults above; only the target must be set} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a new builder holding these options, to make a changed copy} */
    public Builder toBuilder() {
        return new Builder()
                .target(target)
                .clip(clip)
                .frameSize(format.height(), format.width())
                .channels(format.channels())
                .normalize(format.normalize())
                .dtype(format.dtype())
                .seed(seed)
                .shuffle(shuffle)
                .labelScheme(labelScheme)
                .fileAccess(fileAccess)
                .resize(resampling.filter())
                .antialias(resampling.antialias())
                .layout(format.layout());
    }

    /** {@return the ETAB target, never null} */
    public Target target() {
        return target;
    }

    /** {@return video or frame, clip length, fps, padding, clip start; {@code video()} false for single frames} */
    public ClipSpec clip() {
        return clip;
    }

    /** {@return the output rows (ETAB {@code frame_l}), 1 to {@link #MAX_FRAME_SIDE}; 0 keeps the native size} */
    public int frameHeight() {
        return format.height();
    }

    /** {@return the output columns (ETAB {@code frame_w}), 1 to {@link #MAX_FRAME_SIDE}; 0 keeps the native size} */
    public int frameWidth() {
        return format.width();
    }

    /** {@return the channels: 3 (RGB replicated from gray, as the reference models expect) or 1 (gray)} */
    public int channels() {
        return format.channels();
    }

    /** {@return true when pixels are normalized with ImageNet's mean and deviation (float32 only)} */
    public boolean normalize() {
        return format.normalize();
    }

    /** {@return {@link DType#FLOAT32}, or {@link DType#UINT8}: raw pixels for normalization on the device} */
    public DType dtype() {
        return format.dtype();
    }

    /**
     * {@return the seed of the epoch order and the random clip starts (default 42)} The same seed gives the same order
     * and clip starts.
     */
    public long seed() {
        return seed;
    }

    /** {@return true when the order is a fresh seeded permutation every epoch; false keeps the index order} */
    public boolean shuffle() {
        return shuffle;
    }

    /**
     * {@return the name of the integer coding of a class target, or null for the dataset's default} TMED-2's view and
     * AS have several ({@code DatasetProvider.labelSchemes}).
     */
    public String labelScheme() {
        return labelScheme;
    }

    /** {@return where the dataset's files may lie: under its root unless the builder said otherwise} */
    public FileAccess fileAccess() {
        return fileAccess;
    }

    /**
     * {@return how frames are resized to the frame size: the filter, and whether it antialiases (Pillow's definition)
     * or not (OpenCV's)}
     */
    public Resampling resampling() {
        return resampling;
    }

    /** {@return the axis order of clips, {@code [C, T, H, W]} or {@code [T, C, H, W]}; never null} */
    public ClipLayout layout() {
        return format.layout();
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
        return format.spec(clip, height, width);
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
        format.checkSize(clip, height, width);
    }

    /** {@return true when frames keep the dataset's native size (the frame size is 0x0)} */
    public boolean nativeSize() {
        return format.nativeSize();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleOptions s
                && target == s.target
                && clip.equals(s.clip)
                && format.equals(s.format)
                && seed == s.seed
                && shuffle == s.shuffle
                && Objects.equals(labelScheme, s.labelScheme)
                && resampling.equals(s.resampling)
                && fileAccess.equals(s.fileAccess);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, clip, format, seed, shuffle, labelScheme, resampling, fileAccess);
    }

    @Override
    public String toString() {
        return "SampleOptions[target=" + target + ", clip=" + clip + ", frame=" + frameHeight() + "x" + frameWidth()
                + ", channels=" + channels() + ", normalize=" + normalize() + ", dtype=" + dtype() + ", seed=" + seed
                + ", shuffle=" + shuffle + ", labelScheme=" + labelScheme + ", resize=" + resampling + ", layout="
                + layout().cliName() + ", " + fileAccess + "]";
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
        private Boolean normalize; // null: true for float32, false for uint8
        private DType dtype = DType.FLOAT32;
        private long seed = 42;
        private boolean shuffle;
        private ResizeFilter resize = ResizeFilter.BILINEAR;
        private boolean antialias;
        private ClipLayout layout = ClipLayout.CTHW;
        private String labelScheme;
        private FileAccess fileAccess = FileAccess.underRoot();

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
         * @param clipLength 1 to {@link ClipSpec#MAX_LENGTH}, default 32
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
         * @param normalize default true for float32; uint8 (raw pixels) is never normalized
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
         * Where the dataset's files may lie (default {@link FileAccess#underRoot()}: a file whose real path leads
         * elsewhere is a failed sample naming where it leads).
         *
         * @param fileAccess not null
         * @return this builder
         */
        public Builder fileAccess(FileAccess fileAccess) {
            this.fileAccess = Objects.requireNonNull(fileAccess, "fileAccess");
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
            boolean norm = normalize != null ? normalize : dtype != DType.UINT8;
            FeatureFormat format = new FeatureFormat(frameHeight, frameWidth, channels, norm, dtype, layout);
            if (labelScheme != null && target != Target.VIEW && target != Target.AS) {
                throw new IllegalArgumentException("label scheme '" + labelScheme + "' applies to the class targets "
                        + "view and AS, not '" + target.etabName() + "'");
            }
            Objects.requireNonNull(clipStart, "clipStart");
            Objects.requireNonNull(resize, "resize");
            SampleOptions built = new SampleOptions(this, format);
            if (!format.nativeSize()) {
                built.checkSampleSize(frameHeight, frameWidth);
            }
            return built;
        }
    }
}
