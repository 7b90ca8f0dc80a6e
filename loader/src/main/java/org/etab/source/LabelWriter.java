package org.etab.source;

import java.nio.ByteBuffer;
import org.etab.batch.BatchPool;
import org.etab.batch.TensorSpec;
import org.etab.transform.NearestResize;

/**
 * Writes a sample's label into its batch slot, the same way for every dataset: EF float32 {@code [1]} (percent);
 * CM int32 {@code [1]}, 1 when EF &lt; 50; ES/ED int32 {@code [2]}, the frame numbers for a still and their
 * positions in the clip (-1 when absent) for a video; view and AS int32 {@code [1]}, the class index; masks
 * uint8 {@code [H, W]}, drawn by the dataset at the source size into a {@link Mask} and resized nearest.
 * The values come from the dataset's {@link RecordLabels}.
 *
 * <p>Threading: immutable and shared by a source's workers; each worker draws masks into its own {@link Mask}.
 *
 * @param <R> the dataset's record
 */
public final class LabelWriter<R> {
    private final RecordLabels<R> values;
    private final Target target;
    private final boolean video;
    private final int height;
    private final int width;
    private final TensorSpec spec;

    /** @throws IllegalArgumentException when {@code values} cannot give the options' target */
    LabelWriter(RecordLabels<R> values, SampleOptions options, int height, int width) {
        if (!values.offers(options.target())) {
            throw new IllegalArgumentException(
                    "the records give no values for target '" + options.target().etabName() + "'");
        }
        this.values = values;
        this.target = options.target();
        this.video = options.clip().video();
        this.height = height;
        this.width = width;
        this.spec = target.labelSpec(height, width);
    }

    /** One sample's label tensor. */
    TensorSpec spec() {
        return spec;
    }

    /**
     * Whether the target is a mask, which the dataset draws and hands to {@link #writeMask}.
     *
     * @return true for LV_seg, MY_seg and LA_seg
     */
    public boolean isMask() {
        return target == Target.LV_SEG || target == Target.MY_SEG || target == Target.LA_SEG;
    }

    /**
     * Writes {@code record}'s label for {@code plan} into slot {@code slot}.
     *
     * @param record  the record the sample comes from
     * @param plan    the sample; its frames place ES/ED in a clip
     * @param buffers the batch buffers being filled
     * @param slot    the slot, {@code 0 <= slot < batch size}
     * @throws IllegalStateException for a mask target (use {@link #writeMask})
     */
    public void write(R record, SamplePlan plan, BatchPool.Buffers buffers, int slot) {
        ByteBuffer out = buffers.labels().buffer();
        int at = (int) buffers.labels().slotOffset(slot);
        switch (target) {
            case EF -> out.putFloat(at, (float) values.ef(record));
            // the double, not the float32 label: a CSV's 49.9999999 is below 50 though its float32 is 50
            case CM -> out.putInt(at, values.ef(record) < 50 ? 1 : 0);
            case ES_ED -> {
                int es = values.es(record);
                int ed = values.ed(record);
                out.putInt(at, video ? positionOf(plan.frames(), es) : es);
                out.putInt(at + 4, video ? positionOf(plan.frames(), ed) : ed);
            }
            case VIEW, AS -> out.putInt(at, values.classIndex(record));
            case LV_SEG, MY_SEG, LA_SEG ->
                throw new IllegalStateException("target '" + target.etabName()
                        + "' is a mask: draw it into a Mask and write it with writeMask");
        }
    }

    /**
     * Refuses a clip whose ES or ED frame would fall on padding: the index names a frame of the clip that the file
     * does not have (it ended after {@code valid} of the clip's frames), so the label would point at zeros. Nothing
     * to check for other targets or stills.
     *
     * @param record the record the sample comes from
     * @param plan   the sample
     * @param valid  the clip's frames the file delivered
     * @param file   the file, for the message
     * @throws SampleException stage {@code target}, naming the file, the frame and how many the file gave
     */
    public void requireLabelFrames(R record, SamplePlan plan, int valid, Object file) {
        if (target != Target.ES_ED || !video) {
            return;
        }
        int es = values.es(record);
        int ed = values.ed(record);
        for (int frame : new int[] {es, ed}) {
            if (positionOf(plan.frames(), frame) >= valid) { // -1: outside the clip, which the label says
                throw new SampleException(
                        Stage.TARGET,
                        file + ": the index's " + (frame == es ? "ES" : "ED") + " frame " + frame + " is past the "
                                + "file's end (it gave " + valid + " of the clip's " + plan.frames().length
                                + " frames): the label would point at padding");
            }
        }
    }

    /**
     * Writes {@code mask} (0/1 at the source size) into slot {@code slot}, resized nearest to the frame size so that
     * it stays 0/1.
     *
     * @param mask    the worker's mask, drawn since its last {@link Mask#pixels} call
     * @param buffers the batch buffers being filled
     * @param slot    the slot, {@code 0 <= slot < batch size}
     */
    public void writeMask(Mask mask, BatchPool.Buffers buffers, int slot) {
        NearestResize.write(
                mask.pixels,
                mask.width,
                mask.height,
                buffers.labels().buffer(),
                (int) buffers.labels().slotOffset(slot),
                height,
                width);
    }

    /** The first clip position showing source frame {@code frame}, or -1. */
    static int positionOf(int[] clipFrames, int frame) {
        for (int i = 0; i < clipFrames.length; i++) {
            if (clipFrames[i] == frame) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One worker's mask at the source size, reused from sample to sample (it grows when a larger one comes).
     * Confined to one thread at a time.
     */
    public static final class Mask {
        private byte[] pixels = new byte[0];
        private int width;
        private int height;

        /**
         * The pixels for a {@code width x height} mask, row-major, to be drawn (0 or 1 each) before
         * {@link #writeMask}: an array of at least that many bytes, longer after a larger mask, so draw only the
         * first {@code width * height}.
         *
         * @param width  the mask's columns at the source size
         * @param height the mask's rows at the source size
         * @return the mask's own array, not cleared: draw every pixel
         */
        public byte[] pixels(int width, int height) {
            if (pixels.length < width * height) {
                pixels = new byte[width * height];
            }
            this.width = width;
            this.height = height;
            return pixels;
        }
    }
}
