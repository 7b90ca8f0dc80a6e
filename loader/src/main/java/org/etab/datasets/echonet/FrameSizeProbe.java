package org.etab.datasets.echonet;

import org.bytedeco.javacpp.BytePointer;
import org.etab.decode.GrayFrameSink;

/**
 * Passes decoded frames on to a sink, noting their size: the LV mask is drawn at the video's own frame size, as the
 * reference draws it ({@code video.shape}), not at FileList's FrameHeight x FrameWidth, which a copy may get wrong
 * (a mask drawn at the wrong size is stretched off the cavity when resized to the output).
 *
 * <p>Threading: confined to its worker's thread; reused for every sample ({@link #to}).
 */
final class FrameSizeProbe implements GrayFrameSink {
    private GrayFrameSink target;
    private int width;
    private int height;

    /** Points this probe at the sample's sink and forgets the last sample's size; returns this probe. */
    FrameSizeProbe to(GrayFrameSink sink) {
        target = sink;
        width = 0;
        height = 0;
        return this;
    }

    /** Columns of the frames passed on since {@link #to}; 0 when none was. */
    int width() {
        return width;
    }

    /** Rows of the frames passed on since {@link #to}; 0 when none was. */
    int height() {
        return height;
    }

    @Override
    public void accept(int position, byte[] gray, int width, int height) {
        this.width = width;
        this.height = height;
        target.accept(position, gray, width, height);
    }

    @Override
    public boolean acceptPlane(int position, BytePointer gray, int width, int height) {
        this.width = width;
        this.height = height;
        return target.acceptPlane(position, gray, width, height);
    }
}
