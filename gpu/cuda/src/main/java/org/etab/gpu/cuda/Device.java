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

    /** Device memory from {@link #malloc}; freed with {@link #free}. */
    interface Buffer {
        /**
         * The device address (what a kernel or a framework is given).
         *
         * @return the address of the buffer's first byte
         */
        long address();

        /**
         * The buffer's size.
         *
         * @return size in bytes, as asked of {@link #malloc}
         */
        long bytes();
    }

    /** An ordered queue of device work (CUDA stream), from {@link #newStream}; destroyed with {@link #destroy(Stream)}. */
    interface Stream {}

    /** A marker in a stream (CUDA event), from {@link #newEvent} or {@link #newTimedEvent}; destroyed with {@link #destroy(Event)}. */
    interface Event {}

    /**
     * The device's name, for logs and reports.
     *
     * @return e.g. the GPU model and its compute capability
     */
    String name();

    /**
     * Allocates device memory (contents undefined).
     *
     * @param bytes size in bytes, {@code >= 1}
     * @return the buffer; the caller frees it with {@link #free}
     * @throws IllegalStateException when the device cannot allocate it
     */
    Buffer malloc(long bytes);

    /**
     * Frees a buffer from {@link #malloc}. Work still queued on it must be done (synchronize first).
     *
     * @param buffer a buffer of this device, not yet freed
     * @throws IllegalStateException when the device reports an error
     */
    void free(Buffer buffer);

    /**
     * Allocates page-locked host memory (the DMA engine reads it directly, so copies from it run asynchronously at
     * full speed).
     *
     * @param bytes size in bytes, {@code >= 1}
     * @return the memory, its capacity set to {@code bytes}; the caller frees it with {@link #hostFree}
     * @throws OutOfMemoryError when it cannot be allocated
     */
    BytePointer hostAlloc(long bytes);

    /**
     * Frees memory from {@link #hostAlloc}. No copy may still read it.
     *
     * @param memory memory from this device's {@link #hostAlloc}, not yet freed
     * @throws IllegalStateException when the device reports an error
     */
    void hostFree(BytePointer memory);

    /**
     * A stream that does not synchronize with the legacy default stream.
     *
     * @return a new stream; the caller destroys it with {@link #destroy(Stream)}
     * @throws IllegalStateException when the device reports an error
     */
    Stream newStream();

    /**
     * Destroys a stream; work already issued to it still completes.
     *
     * @param stream a stream of this device, not yet destroyed
     * @throws IllegalStateException when the device reports an error
     */
    void destroy(Stream stream);

    /**
     * An event without timing: the cheapest to record and wait on; for ordering only.
     *
     * @return a new event, complete until first recorded; the caller destroys it with {@link #destroy(Event)}
     * @throws IllegalStateException when the device reports an error
     */
    Event newEvent();

    /**
     * An event that also records when the device reached it, for {@link #elapsedMillis} (CUDA: created with
     * {@code cudaEventDefault} instead of {@code cudaEventDisableTiming}, a little slower to wait on).
     *
     * @return a new timed event; the caller destroys it with {@link #destroy(Event)}
     * @throws IllegalStateException when the device reports an error
     */
    Event newTimedEvent();

    /**
     * Destroys an event.
     *
     * @param event an event of this device, not yet destroyed
     * @throws IllegalStateException when the device reports an error
     */
    void destroy(Event event);

    /**
     * Enqueues a host-to-device copy on {@code stream} and returns before it is done: {@code src} must stay
     * allocated and unchanged until then (record an event after it and wait for that).
     *
     * @param src host memory, ideally from {@link #hostAlloc} (pageable memory makes the copy synchronous)
     * @param dst device buffer of at least {@code bytes}
     * @param bytes bytes to copy from the start of each
     * @param stream the stream that orders the copy
     * @throws IllegalStateException when the device reports an error
     */
    void copyToDevice(BytePointer src, Buffer dst, long bytes, Stream stream);

    /**
     * Enqueues a device-to-host copy on {@code stream} and returns before it is done: read {@code dst} only after
     * synchronizing with the stream (or an event recorded after the copy).
     *
     * @param src device buffer of at least {@code bytes}
     * @param dst host memory of at least {@code bytes}, ideally from {@link #hostAlloc}
     * @param bytes bytes to copy from the start of each
     * @param stream the stream that orders the copy
     * @throws IllegalStateException when the device reports an error
     */
    void copyToHost(Buffer src, BytePointer dst, long bytes, Stream stream);

    /**
     * Enqueues setting the first {@code bytes} bytes of the buffer to {@code value} (0xFF makes float32 NaN: poison).
     *
     * @param buffer the buffer to fill
     * @param value the byte value; only its low 8 bits are used
     * @param bytes bytes to set from the start
     * @param stream the stream that orders the fill
     * @throws IllegalArgumentException when the range is not inside the buffer
     */
    default void fill(Buffer buffer, int value, long bytes, Stream stream) {
        fill(buffer, 0, value, bytes, stream);
    }

    /**
     * Enqueues setting {@code bytes} bytes from byte {@code offset} of the buffer to {@code value}.
     *
     * @param buffer the buffer to fill
     * @param offset first byte to set, {@code >= 0}
     * @param value the byte value; only its low 8 bits are used
     * @param bytes bytes to set, {@code >= 0}
     * @param stream the stream that orders the fill
     * @throws IllegalArgumentException when the range is not inside the buffer
     */
    void fill(Buffer buffer, long offset, int value, long bytes, Stream stream);

    /**
     * Enqueues the normalize kernel ({@code normalize.cu}) on {@code batch} samples of {@code n.channels() x
     * spatial} elements: uint8 in {@code src}, float32 {@code (x / 255 - mean[c]) / std[c]} out in {@code dst}, in
     * the normalization's layouts. Does nothing when there are no elements.
     *
     * @param src uint8 input of at least {@code batch * channels * spatial} bytes
     * @param dst float32 output, 4 bytes per input byte
     * @param batch kernel samples (for a {@code [T, C, H, W]} clip, one per frame)
     * @param spatial elements per channel in one kernel sample
     * @param n the formula and layouts
     * @param stream the stream the kernel runs on
     * @throws IllegalArgumentException when a buffer is too small
     * @throws IllegalStateException when the launch fails
     */
    void normalize(Buffer src, Buffer dst, int batch, long spatial, Normalization n, Stream stream);

    /**
     * Records {@code event} at the current end of {@code stream}: it is reached once the work issued before it is
     * done. Recording again moves the event to the new point.
     *
     * @param event the event to record
     * @param stream the stream whose work it marks
     * @throws IllegalStateException when the device reports an error
     */
    void record(Event event, Stream stream);

    /**
     * Makes later work on {@code stream} wait for the event's last recorded point; the host does not wait.
     *
     * @param stream the stream that waits
     * @param event the event it waits for (complete if never recorded)
     * @throws IllegalStateException when the device reports an error
     */
    void waitEvent(Stream stream, Event event);

    /**
     * Whether the event's last recorded point has been reached (an event never recorded is complete); the host
     * does not wait (CUDA: {@code cudaEventQuery}).
     *
     * @param event the event to query
     * @return true when its last recorded point has been reached
     * @throws IllegalStateException when the device reports an error
     */
    boolean isComplete(Event event);

    /**
     * Device time in milliseconds from {@code start} to {@code end} (CUDA: {@code cudaEventElapsedTime}, about
     * 0.5 us resolution). Both must be timed events whose last records are complete, else it throws; the host
     * does not wait.
     *
     * @param start the earlier timed event
     * @param end the later timed event
     * @return milliseconds of device time between their last records
     * @throws IllegalStateException when an event is untimed, not complete, or never recorded
     */
    float elapsedMillis(Event start, Event end);

    /**
     * The calling thread waits until the event's last recorded point has been reached.
     *
     * @param event the event to wait for (returns at once if never recorded)
     * @throws IllegalStateException when the device reports an error (including one of the awaited work)
     */
    void synchronize(Event event);

    /**
     * The calling thread waits until everything issued to the stream is done.
     *
     * @param stream the stream to drain
     * @throws IllegalStateException when the device reports an error (including one of the awaited work)
     */
    void synchronize(Stream stream);

    /**
     * The device's memory.
     *
     * @return {@code {free, total}} device memory in bytes
     * @throws IllegalStateException when the device reports an error
     */
    long[] memInfo();

    /**
     * Releases what the device object itself holds (not the buffers, streams and events handed out: their owners
     * free them first). Idempotent; throws no checked exception.
     */
    @Override
    void close();
}
