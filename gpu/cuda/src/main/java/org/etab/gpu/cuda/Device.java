package org.etab.gpu.cuda;

import org.bytedeco.javacpp.BytePointer;

/**
 * The few device operations the feeder needs, so that its ordering logic runs against {@link CudaDevice} on a
 * GPU and against a fake on the CPU. Semantics are CUDA's: operations on one stream run in order; a stream
 * that waits on an event waits for the event's most recent {@link #record} issued before the wait (an event
 * never recorded is complete); {@code *Async} calls return before the work is done.
 *
 * <p>Threading: implementations are thread-safe; handles may be used from any thread.
 */
public interface Device extends AutoCloseable {

    /** Device memory. */
    interface Buffer {
        /** The device address (what a kernel or a framework is given). */
        long address();

        long bytes();
    }

    /** An ordered queue of device work (CUDA stream). */
    interface Stream {}

    /** A marker in a stream (CUDA event). */
    interface Event {}

    String name();

    Buffer malloc(long bytes);

    void free(Buffer buffer);

    /** Page-locked host memory (the DMA engine reads it directly). */
    BytePointer hostAlloc(long bytes);

    void hostFree(BytePointer memory);

    /** A stream that does not synchronize with the legacy default stream. */
    Stream newStream();

    void destroy(Stream stream);

    /** An event without timing: the cheapest to record and wait on; for ordering only. */
    Event newEvent();

    /**
     * An event that also records when the device reached it, for {@link #elapsedMillis} (CUDA: created with
     * {@code cudaEventDefault} instead of {@code cudaEventDisableTiming}, a little slower to wait on).
     */
    Event newTimedEvent();

    void destroy(Event event);

    void copyToDevice(BytePointer src, Buffer dst, long bytes, Stream stream);

    void copyToHost(Buffer src, BytePointer dst, long bytes, Stream stream);

    /** Sets {@code bytes} bytes to {@code value} (0xFF makes float32 NaN: poison). */
    default void fill(Buffer buffer, int value, long bytes, Stream stream) {
        fill(buffer, 0, value, bytes, stream);
    }

    /**
     * Sets {@code bytes} bytes from byte {@code offset} of the buffer to {@code value}.
     *
     * @throws IllegalArgumentException when the range is not inside the buffer
     */
    void fill(Buffer buffer, long offset, int value, long bytes, Stream stream);

    /** Launches {@code normalize.cu} on {@code batch} samples of {@code channels x spatial} elements. */
    void normalize(Buffer src, Buffer dst, int batch, long spatial, Normalization n, Stream stream);

    void record(Event event, Stream stream);

    /** Makes later work on {@code stream} wait for the event's last recorded point; the host does not wait. */
    void waitEvent(Stream stream, Event event);

    /**
     * Whether the event's last recorded point has been reached (an event never recorded is complete); the host
     * does not wait (CUDA: {@code cudaEventQuery}).
     */
    boolean isComplete(Event event);

    /**
     * Device time in milliseconds from {@code start} to {@code end} (CUDA: {@code cudaEventElapsedTime}, about
     * 0.5 us resolution). Both must be timed events whose last records are complete, else it throws; the host
     * does not wait.
     */
    float elapsedMillis(Event start, Event end);

    /** The host waits until the event's last recorded point has been reached. */
    void synchronize(Event event);

    /** The host waits until everything issued to the stream is done. */
    void synchronize(Stream stream);

    /** {@code {free, total}} device memory in bytes. */
    long[] memInfo();

    @Override
    void close();
}
