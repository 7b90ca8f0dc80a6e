package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Decodes the requested frames of an intra-only video (every packet a whole picture: MJPEG, the EchoNet format)
 * through its container: video packets are counted as frame numbers and only the packets of requested frames reach
 * the decoder; the others are read and dropped, and reading stops after the last requested frame.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one instance per {@link VideoDecoder}, used by one thread at a time; the sink runs synchronously
 * on it.
 *
 * <h2>Ownership</h2>
 * The packet, frame and {@link GrayConversion} are the decoder's, lent for each call: on return every packet read
 * has been unreferenced and every decoded frame too (by {@link GrayConversion#deliver}); when the call throws, the
 * caller unreferences both. The input is the caller's, opened with its decoder and closed by the caller.
 */
final class IntraOnlyDecode {

    private final AVPacket packet;
    private final AVFrame frame;
    private final GrayConversion gray;
    /** Where the last call found its first video packet's payload, or -1 (for {@link IndexLayout}'s check). */
    private long firstPacketAt = -1;

    IntraOnlyDecode(AVPacket packet, AVFrame frame, GrayConversion gray) {
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
        int skipped = 0;
        long bytes = 0;
        firstPacketAt = -1;
        while (pos < frames.length) {
            errors.checkDeadline(videoPackets);
            int ret = av_read_frame(in.format(), packet);
            if (ret == DecodeErrors.EOF) {
                break;
            }
            if (ret < 0) {
                throw errors.fail("cannot read past frame " + videoPackets, ret);
            }
            bytes += packet.size();
            if (packet.stream_index() != in.stream()) {
                av_packet_unref(packet);
                continue;
            }
            int index = videoPackets++;
            if (index == 0) {
                firstPacketAt = packet.pos();
            }
            if (index < frames[pos]) {
                skipped++;
                av_packet_unref(packet);
                continue;
            }
            // frames are non-decreasing and every index is visited, so index == frames[pos] here
            if ((packet.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
                throw errors.error("frame " + index + " is truncated or corrupt");
            }
            if (packet.size() == 0) {
                // an empty chunk (AVI's "dropped frame") would put the decoder into draining mode
                throw errors.error("frame " + index + " is an empty packet");
            }
            ret = avcodec_send_packet(in.codec(), packet);
            av_packet_unref(packet);
            if (ret < 0) {
                throw errors.fail("cannot decode frame " + index, ret);
            }
            ret = avcodec_receive_frame(in.codec(), frame);
            if (ret == DecodeErrors.EAGAIN) {
                throw errors.error("frame " + index + " decoded to no picture");
            }
            if (ret < 0) {
                throw errors.fail("cannot decode frame " + index, ret);
            }
            decoded++;
            pos = gray.deliver(frame, index, frames, pos, sink, errors);
        }
        if (pos < frames.length) {
            in.checkComplete(videoPackets);
        }
        return new DecodeStats(pos, decoded, skipped, bytes);
    }

    /** Where the last call's first video packet lay in the file (its payload), or -1 when it read none. */
    long firstPacketAt() {
        return firstPacketAt;
    }
}
