package org.etab.datasets.echonet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.etab.decode.AviIndex;
import org.etab.decode.DecodeException;
import org.etab.decode.DecodeStats;
import org.etab.decode.DecodeTimeoutException;
import org.etab.decode.GrayFrameSink;
import org.etab.decode.VideoDecoder;
import org.etab.decode.VideoInput;
import org.etab.decode.VideoLayout;
import org.etab.source.DatasetFiles;
import org.etab.source.DirectoryOpener;
import org.etab.source.SamplePlan;

/**
 * EchoNet videos on local disk, read the way a clip needs them. Every sample of a video whose {@link VideoLayout} is
 * known reads only the bytes from its first frame to its last with one positional read and hands those packets to
 * the decoder: no container is opened or demuxed, which is most of the cost of a single-frame sample. The layout is
 * learned at the video's first use: from the AVI's own headers and index ({@link AviIndex}), read in the same open as
 * the clip's bytes, for the plain MJPEG AVIs EchoNet-Dynamic has; otherwise that first use decodes through FFmpeg,
 * learning the layout from FFmpeg's index in the same open, and only a video whose index is missing or does not
 * match its file costs one more demuxing pass (once per video, checking each packet against the file's bytes).
 * Videos that cannot be read frame by frame (not intra-only) always take the file path; so does a file whose size
 * changed since its layout was learned (it is learned again) or that cannot be read any more (the file path then
 * reports why, as before).
 *
 * <p>Every file is opened through the source's {@link DatasetFiles} (a regular file under the root): a span through
 * the decode thread's {@link DirectoryOpener}, which opens the next video in {@code Videos/} relative to the directory
 * it keeps open and stops reading at the sample's deadline; FFmpeg opens the real path {@link DatasetFiles#check}
 * returned, by name.
 *
 * <p>Memory: a layout is 12 bytes per frame (about 2 KB for an EchoNet video, 20 MB for all 10,030), kept on the
 * heap for the source's lifetime.
 *
 * <p>Threading: thread-safe; layouts are shared by all decode threads, each of which reads through its own
 * {@link Reader} (a decoder, a file opener, an index reader and a buffer for spans).
 */
final class LocalVideos implements VideoStore {
    /** A video's layout and the real path it was learned from (FFmpeg opens it, messages name it). */
    private record Learned(VideoLayout layout, Path real) {}

    private final Map<Path, Learned> layouts = new ConcurrentHashMap<>();
    private final Map<Path, Boolean> wholeOnly = new ConcurrentHashMap<>();
    private final DatasetFiles files;

    LocalVideos(DatasetFiles files) {
        this.files = files;
    }

    @Override
    public VideoStore.Reader newReader() {
        return new Reader();
    }

    @Override
    public String name(EchoNetRecord record) {
        return record.video().toString();
    }

    /** One decode thread's decoder, file opener, AVI index reader and buffer for spans (grown on need, reused). */
    private final class Reader implements VideoStore.Reader {
        private final VideoDecoder decoder = new VideoDecoder();
        private final DirectoryOpener opener = files.newDirectoryOpener();
        private final AviIndex index = new AviIndex();
        private ByteBuffer span = ByteBuffer.allocate(0);

        @Override
        public DecodeStats read(EchoNetRecord record, SamplePlan plan, GrayFrameSink sink, long deadlineNanos) {
            return decode(decoder, record.video(), plan.frames(), sink, deadlineNanos, this);
        }

        @Override
        public void close() {
            decoder.close();
            opener.close();
        }
    }

    /**
     * As {@link VideoDecoder#decode(VideoInput, int[], GrayFrameSink, long)}, from the frames' bytes once the layout is
     * known. What is learned is kept by the path listed; FFmpeg opens, and messages name, the checked real path.
     */
    private DecodeStats decode(
            VideoDecoder decoder, Path listed, int[] frames, GrayFrameSink sink, long deadline, Reader scratch) {
        Learned learned = layouts.get(listed);
        if (learned == null && !wholeOnly.containsKey(listed)) {
            return firstUse(decoder, listed, frames, sink, deadline, scratch);
        }
        long[] span = learned == null ? null : learned.layout().span(frames);
        if (span != null) {
            ByteBuffer bytes = read(listed, learned.layout(), span, scratch, deadline);
            if (bytes != null) {
                return decoder.decode(
                        learned.layout(), bytes, span[0], learned.real().toString(), frames, sink, deadline);
            }
            layouts.remove(listed, learned); // changed or unreadable: the file path reports it, or learns it again
        }
        Path file = files.check(listed);
        if (layouts.containsKey(listed) || wholeOnly.containsKey(listed)) {
            return decoder.decode(VideoInput.of(file), frames, sink, deadline);
        }
        return throughContainer(decoder, listed, file, frames, sink, deadline);
    }

    /**
     * A video's first use: its layout from the AVI's own headers and index and the clip's bytes, in one open, then
     * decoded as later uses are; a file of another shape takes the container path.
     */
    private DecodeStats firstUse(
            VideoDecoder decoder, Path listed, int[] frames, GrayFrameSink sink, long deadline, Reader scratch) {
        Path file = files.check(listed);
        VideoLayout layout;
        long[] span = null;
        ByteBuffer bytes = null;
        try (SeekableByteChannel ch = scratch.opener.open(listed, deadline)) {
            layout = scratch.index.read(ch);
            span = layout == null ? null : layout.span(frames);
            if (span != null) {
                bytes = read(ch, layout, span, scratch);
            }
        } catch (IOException e) {
            layout = null; // the container path reports why
        }
        if (layout == null) {
            return throughContainer(decoder, listed, file, frames, sink, deadline);
        }
        layouts.put(listed, new Learned(layout, file));
        if (bytes == null) {
            // frames past the end: the container path names it
            return decoder.decode(VideoInput.of(file), frames, sink, deadline);
        }
        return decoder.decode(layout, bytes, span[0], file.toString(), frames, sink, deadline);
    }

    /** Decodes through the container, learning the layout from FFmpeg's index in the same open, or by a scan. */
    private DecodeStats throughContainer(
            VideoDecoder decoder, Path listed, Path file, int[] frames, GrayFrameSink sink, long deadline) {
        boolean[] indexed = {false};
        DecodeStats stats = decoder.decode(VideoInput.of(file), frames, sink, deadline, fromIndex -> {
            layouts.put(listed, new Learned(fromIndex, file));
            indexed[0] = true;
        });
        if (!indexed[0]) {
            learn(decoder, listed, file, deadline);
        }
        return stats;
    }

    @Override
    public int layoutsKnown() {
        return layouts.size();
    }

    /** The layout by a scan, within the sample's deadline; a video that cannot give one is read whole from now on. */
    private void learn(VideoDecoder decoder, Path listed, Path file, long deadline) {
        VideoLayout layout;
        try {
            layout = decoder.layout(VideoInput.of(file), deadline);
        } catch (DecodeTimeoutException e) {
            // the sample ran out of time (its frames were read) and fails as a timeout; a scan that slow would time
            // out again on every use, so the video is read through its container from now on
            wholeOnly.put(listed, Boolean.TRUE);
            throw e;
        } catch (DecodeException e) {
            layout = null; // the file path keeps working (and reporting) for this video
        }
        if (layout == null) {
            wholeOnly.put(listed, Boolean.TRUE);
        } else {
            layouts.put(listed, new Learned(layout, file));
        }
    }

    /**
     * The bytes {@code [span[0], span[1])} of the video {@code listed} (opened by {@link DatasetFiles#open}, so the
     * file read is the one checked, and read no longer than the deadline), or null when its size is not the
     * layout's or it cannot be read.
     */
    private ByteBuffer read(Path listed, VideoLayout layout, long[] span, Reader scratch, long deadline) {
        try (SeekableByteChannel ch = scratch.opener.open(listed, deadline)) {
            return read(ch, layout, span, scratch);
        } catch (IOException e) {
            return null;
        }
    }

    /** As {@link #read(Path, VideoLayout, long[], Reader, long)}, from an open channel. */
    private static ByteBuffer read(SeekableByteChannel ch, VideoLayout layout, long[] span, Reader scratch)
            throws IOException {
        int length = (int) (span[1] - span[0]);
        if (scratch.span.capacity() < length) {
            scratch.span = ByteBuffer.allocate(Math.max(length, 2 * scratch.span.capacity()));
        }
        ByteBuffer buf = scratch.span.clear().limit(length);
        if (ch.size() != layout.fileSize()) {
            return null;
        }
        ch.position(span[0]);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                return null;
            }
        }
        return buf.flip();
    }
}
