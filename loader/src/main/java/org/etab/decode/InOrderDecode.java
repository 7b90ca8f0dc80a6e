package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Decodes the requested frames of a video whose codec predicts between frames (MPEG-4, H.264, ...) through its
 * container: every packet is decoded in order, pictures are counted as they come out of the decoder (in display
 * order) and the unwanted ones dropped; reading stops once the last requested frame is out, and at the end of the
 * file the decoder is drained of its delayed pictures.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one instance per {@link VideoDecoder}, used by one thread at a time; the sink runs synchronously
 * on it.
 *
 * <h2>Ownership</h2>
 * The packet, frame and {@link GrayConversion} are the decoder's, lent for each call: on return every packet read
 * and every picture received has been unreferenced; when the call throws, the caller unreferences both. The input
 * is the caller's, opened with its decoder and closed by the caller.
 */
final class InOrderDecode {

    private final AVPacket packet;
    private final AVFrame frame;
    private final GrayConversion gray;

    InOrderDecode(AVPacket packet, AVFrame frame, GrayConversion gray) {
        this.packet = packet;
        this.frame = frame;
        this.gray = gray;
    }

    /** Delivers {@code frames} (checked: non-decreasing, each {@code >= 0}) of {@code in} to {@code sink}. */
    DecodeStats decode(ContainerInput in, int[] frames, GrayFrameSink sink) {
        DecodeErrors errors = in.errors;
        int pos = 0;
        int videoPackets = 0;
        int decoded = 0;
        long bytes = 0;
        boolean flushed = false;
        while (pos < frames.length && !flushed) {
            errors.checkDeadline(videoPackets);
            int ret = av_read_frame(in.format(), packet);
            if (ret == DecodeErrors.EOF) {
                flushed = true;
                ret = avcodec_send_packet(in.codec(), (AVPacket) null); // drain the decoder's delayed pictures
                if (ret < 0 && ret != DecodeErrors.EOF) {
                    throw errors.fail("cannot flush decoder", ret);
                }
            } else if (ret < 0) {
                throw errors.fail("cannot read past packet " + videoPackets, ret);
            } else {
                bytes += packet.size();
                if (packet.stream_index() != in.stream()) {
                    av_packet_unref(packet);
                    continue;
                }
                videoPackets++;
                if (packet.size() == 0) {
                    // an empty packet means "flush" to send_packet; it carries no picture anyway
                    av_packet_unref(packet);
                    continue;
                }
                if ((packet.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
                    throw errors.error("packet " + (videoPackets - 1) + " is truncated or corrupt");
                }
                ret = avcodec_send_packet(in.codec(), packet);
                av_packet_unref(packet);
                if (ret < 0) {
                    throw errors.fail("cannot decode packet " + (videoPackets - 1), ret);
                }
            }
            while (pos < frames.length) {
                ret = avcodec_receive_frame(in.codec(), frame);
                if (ret == DecodeErrors.EAGAIN || ret == DecodeErrors.EOF) {
                    break;
                }
                if (ret < 0) {
                    throw errors.fail("cannot decode frame " + decoded, ret);
                }
                int index = decoded++;
                if (index == frames[pos]) {
                    pos = gray.deliver(frame, index, frames, pos, sink, errors);
                } else {
                    av_frame_unref(frame);
                }
            }
        }
        if (pos < frames.length) {
            in.checkComplete(videoPackets);
        }
        return new DecodeStats(pos, decoded, 0, bytes);
    }
}
