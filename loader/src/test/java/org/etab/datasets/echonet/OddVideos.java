package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.etab.decode.VideoDecoder;
import org.etab.decode.VideoInput;

/** EchoNet videos of other shapes than the phantom's indexed MJPEG AVIs, made from a phantom video's pictures. */
final class OddVideos {
    private OddVideos() {}

    /**
     * Writes {@code rec}'s pictures, at its size and rate, to {@code target} as MPEG-4 part 2 in AVI with B-frames:
     * a codec with inter-frame prediction, whose frames cannot be read from their own bytes.
     */
    static void reencodeAsMpeg4(EchoNetRecord rec, Path target) throws Exception {
        int w = rec.frameWidth();
        int h = rec.frameHeight();
        int[] all = java.util.stream.IntStream.range(0, rec.frames()).toArray();
        List<byte[]> pictures = new ArrayList<>();
        try (VideoDecoder d = new VideoDecoder()) {
            d.decode(VideoInput.of(rec.video()), all, (position, gray, width, height) -> pictures.add(gray.clone()));
        }
        assertThat(pictures).hasSize(rec.frames());
        Path tmp = target.resolveSibling("mpeg4.avi");
        try (FFmpegFrameRecorder out = new FFmpegFrameRecorder(tmp.toFile(), w, h, 0)) {
            out.setFormat("avi");
            out.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            out.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            out.setFrameRate(rec.fps());
            out.setVideoQuality(2);
            out.setGopSize(12);
            out.setMaxBFrames(2);
            out.start();
            Frame frame = new Frame(w, h, Frame.DEPTH_UBYTE, 1);
            for (byte[] picture : pictures) {
                ByteBuffer plane = (ByteBuffer) frame.image[0];
                for (int y = 0; y < h; y++) {
                    plane.put(y * frame.imageStride, picture, y * w, w);
                }
                out.record(frame, avutil.AV_PIX_FMT_GRAY8);
            }
            out.stop();
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Renames the AVI's idx1 chunk to JUNK (same size), so that the file has no index. */
    static void hideIndex(Path avi) throws IOException {
        byte[] bytes = Files.readAllBytes(avi);
        byte[] idx1 = "idx1".getBytes(StandardCharsets.US_ASCII);
        int at = -1;
        for (int i = bytes.length - idx1.length; i >= 0 && at < 0; i--) {
            if (Arrays.equals(bytes, i, i + 4, idx1, 0, 4)) {
                at = i;
            }
        }
        assertThat(at).as("an idx1 chunk in " + avi).isPositive();
        System.arraycopy("JUNK".getBytes(StandardCharsets.US_ASCII), 0, bytes, at, 4);
        Files.write(avi, bytes);
    }
}
