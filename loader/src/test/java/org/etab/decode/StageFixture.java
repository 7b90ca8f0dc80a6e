package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.LongPointer;

/** What a {@link VideoDecoder} lends its stages, for testing a stage on its own: packet, frame, cells, gray. */
final class StageFixture implements AutoCloseable {
    final AVPacket packet = av_packet_alloc();
    final AVFrame frame = av_frame_alloc();
    final LongPointer deadline = new LongPointer(1).put(Long.MAX_VALUE);
    final LongPointer ioCell = new LongPointer(1);
    final GrayConversion gray = new GrayConversion();

    static {
        VideoDecoder.setLogLevel(
                org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET); // FFmpeg quiet, as the decoder keeps it
    }

    ContainerInput open(Path file) {
        return ContainerInput.open(file, null, null, true, deadline, ioCell);
    }

    /** Nothing is left referenced: what a stage owes the decoder's packet and frame after a call. */
    boolean clean() {
        return packet.buf() == null
                && packet.data() == null
                && packet.size() == 0
                && frame.buf(0) == null
                && frame.data(0) == null;
    }

    @Override
    public void close() {
        av_packet_free(packet);
        av_frame_free(frame);
        deadline.close();
        ioCell.close();
        gray.close();
    }
}
