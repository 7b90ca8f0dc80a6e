package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_PCM_S16LE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_RAWVIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes small test videos whose frames carry their own number, and reads that number back.
 *
 * <p>Frame {@code n} is a 3x3 grid of cells, cell {@code b} bright when bit {@code b} of {@code n} is
 * set and dark otherwise (9 bits, frames 0..511). Cell centres survive JPEG/MPEG-4 loss, so
 * {@link #frameNumber} proves which frame a decoder delivered.
 */
final class TestVideos {
    static final int DARK = 30;
    static final int BRIGHT = 220;

    private TestVideos() {}

    static Path mjpegAvi(Path file, int width, int height, int frames) throws Exception {
        return write(file, "avi", AV_CODEC_ID_MJPEG, AV_PIX_FMT_YUVJ420P, width, height, frames, 0, 1);
    }

    /** MPEG-4 part 2 in MP4 with a 12-frame GOP and B-frames: needs decode-in-order and reordering. */
    static Path mpeg4Mp4(Path file, int width, int height, int frames) throws Exception {
        return write(file, "mp4", AV_CODEC_ID_MPEG4, AV_PIX_FMT_YUV420P, width, height, frames, 2, 12);
    }

    /** Uncompressed BGR24 in AVI: intra-only, not YUV (takes the swscale path), stored bottom-up. */
    static Path rawBgrAvi(Path file, int width, int height, int frames) throws Exception {
        return write(file, "avi", AV_CODEC_ID_RAWVIDEO, AV_PIX_FMT_BGR24, width, height, frames, 0, 1);
    }

    private static Path write(
            Path file,
            String format,
            int codec,
            int pixelFormat,
            int width,
            int height,
            int frames,
            int bFrames,
            int gop)
            throws Exception {
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), width, height, 0)) {
            rec.setFormat(format);
            rec.setVideoCodec(codec);
            rec.setPixelFormat(pixelFormat);
            rec.setFrameRate(50);
            rec.setVideoQuality(2);
            rec.setGopSize(gop);
            if (bFrames > 0) rec.setMaxBFrames(bFrames);
            rec.start();
            Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 1);
            for (int n = 0; n < frames; n++) {
                paint(frame, n);
                rec.record(frame, AV_PIX_FMT_GRAY8);
            }
            rec.stop();
        }
        return file;
    }

    /** MJPEG in AVI with a PCM audio track interleaved (20 ms of silence after each frame). */
    static Path mjpegAviWithAudio(Path file, int width, int height, int frames) throws Exception {
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), width, height, 1)) {
            rec.setFormat("avi");
            rec.setVideoCodec(AV_CODEC_ID_MJPEG);
            rec.setPixelFormat(AV_PIX_FMT_YUVJ420P);
            rec.setFrameRate(50);
            rec.setVideoQuality(2);
            rec.setAudioCodec(AV_CODEC_ID_PCM_S16LE);
            rec.setSampleRate(8000);
            rec.start();
            Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 1);
            for (int n = 0; n < frames; n++) {
                paint(frame, n);
                rec.record(frame, AV_PIX_FMT_GRAY8);
                rec.recordSamples(ShortBuffer.wrap(new short[160]));
            }
            rec.stop();
        }
        return file;
    }

    static Path audioOnlyWav(Path file) throws Exception {
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), 1)) {
            rec.setFormat("wav");
            rec.setSampleRate(8000);
            rec.start();
            rec.recordSamples(ShortBuffer.wrap(new short[8000]));
            rec.stop();
        }
        return file;
    }

    private static void paint(Frame frame, int n) {
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        for (int y = 0; y < frame.imageHeight; y++) {
            for (int x = 0; x < frame.imageWidth; x++) {
                int bit = cell(y, frame.imageHeight) * 3 + cell(x, frame.imageWidth);
                buf.put(y * frame.imageStride + x, (byte) (((n >> bit) & 1) != 0 ? BRIGHT : DARK));
            }
        }
    }

    private static int cell(int coordinate, int size) {
        return Math.min(2, coordinate * 3 / size);
    }

    /** Reads the frame number back from a packed gray plane (mean of each cell's central half). */
    static int frameNumber(byte[] gray, int width, int height) {
        int n = 0;
        for (int cy = 0; cy < 3; cy++) {
            for (int cx = 0; cx < 3; cx++) {
                int x0 = cx * width / 3, x1 = (cx + 1) * width / 3;
                int y0 = cy * height / 3, y1 = (cy + 1) * height / 3;
                int qx = (x1 - x0) / 4, qy = (y1 - y0) / 4;
                long sum = 0, count = 0;
                for (int y = y0 + qy; y < y1 - qy; y++) {
                    for (int x = x0 + qx; x < x1 - qx; x++) {
                        sum += gray[y * width + x] & 0xff;
                        count++;
                    }
                }
                if (sum / count > (DARK + BRIGHT) / 2) n |= 1 << (cy * 3 + cx);
            }
        }
        return n;
    }

    /** Reference decode: every frame through JavaCV's grabber, converted to GRAY8, packed (stride == width). */
    static List<byte[]> grabAllGray(Path file) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setPixelFormat(AV_PIX_FMT_GRAY8);
            grabber.start();
            Frame f;
            while ((f = grabber.grabImage()) != null) {
                ByteBuffer buf = (ByteBuffer) f.image[0];
                byte[] gray = new byte[f.imageWidth * f.imageHeight];
                for (int y = 0; y < f.imageHeight; y++) {
                    buf.position(y * f.imageStride);
                    buf.get(gray, y * f.imageWidth, f.imageWidth);
                }
                out.add(gray);
            }
            grabber.stop();
        }
        return out;
    }
}
