package org.etab.gpu.cuda;

import static org.bytedeco.cuda.global.cudart.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * {@link Device} on a CUDA GPU through JavaCPP's CUDA presets: the runtime API (cudart) for memory, streams,
 * events and copies; the driver API ({@code cuModuleLoadData}, {@code cuModuleGetFunction},
 * {@code cuLaunchKernel}) for the normalize kernel, loaded from the resource {@code normalize.fatbin}: machine code
 * for sm_80 and sm_90 (A100, H100/H200 and, binary-compatible, sm_86/sm_89), and {@code compute_80} PTX that the driver
 * compiles for any other GPU.
 *
 * <p>Loading: this class is the only one that touches {@code org.bytedeco.cuda}; nothing else loads it unless
 * asked ({@code --device cuda}, {@link #probe()}). On a machine without a driver, {@link #probe()} reports why
 * instead of throwing.
 *
 * <p>Threading: thread-safe; the primary context of the chosen device is made current on the calling thread
 * before every call (decode threads, the consumer's thread and Reactor's threads all issue work), so that the
 * runtime never falls back to device 0's context on a thread that has none.
 */
public final class CudaDevice implements Device {
    /** The kernel's entry point in {@code normalize.fatbin}. */
    static final String KERNEL = "etab_normalize_u8";

    static final String KERNELS = "/org/etab/gpu/cuda/normalize.fatbin";

    /**
     * Whether CUDA can be used here, and if not, why.
     *
     * @param available true when the libraries load and the driver reports at least one GPU
     * @param reason when available, the GPU count (e.g. {@code "1 GPU(s)"}); otherwise why not, for the user
     */
    public record Availability(boolean available, String reason) {}

    private final int ordinal;
    private final CUctx_st context = new CUctx_st();
    private final CUmod_st module = new CUmod_st();
    private final CUfunc_st function = new CUfunc_st();
    private final String name;
    private final long loadNanos;
    private boolean closed;

    private static final class CudaBuffer implements Buffer {
        final Pointer pointer;
        final long bytes;

        CudaBuffer(Pointer pointer, long bytes) {
            this.pointer = pointer;
            this.bytes = bytes;
        }

        @Override
        public long address() {
            return pointer.address();
        }

        @Override
        public long bytes() {
            return bytes;
        }
    }

    private record CudaStream(CUstream_st handle) implements Stream {}

    private record CudaEvent(CUevent_st handle) implements Event {}

    /**
     * Loads the CUDA libraries and creates a device, or says why not. Catches what a machine without a GPU
     * throws ({@link UnsatisfiedLinkError}, {@link NoClassDefFoundError}, ...): it never throws. Thread-safe; each
     * call asks the driver again.
     *
     * @return whether CUDA is usable, and why not
     */
    public static Availability probe() {
        try {
            Loader.load(org.bytedeco.cuda.global.cudart.class);
            int[] count = new int[1];
            int err = cudaGetDeviceCount(count);
            if (err != cudaSuccess) {
                return new Availability(false, "cudaGetDeviceCount failed: " + errorString(err) + " (" + err + ")");
            }
            if (count[0] < 1) {
                return new Availability(false, "the CUDA driver reports no GPU");
            }
            return new Availability(true, count[0] + " GPU(s)");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return new Availability(
                    false,
                    "cannot load the CUDA libraries (" + e + "): no NVIDIA driver "
                            + "(libcuda.so.1) or CUDA 13 runtime (libcudart.so.13) here");
        } catch (RuntimeException | LinkageError e) {
            return new Availability(false, "CUDA probe failed: " + e);
        }
    }

    /**
     * Whether {@link #probe()} finds a usable GPU; never throws.
     *
     * @return true when a GPU is usable
     */
    public static boolean available() {
        return probe().available();
    }

    /**
     * Uses GPU {@code ordinal}: makes its primary context current and JIT-loads the kernel. The caller closes it,
     * after everything allocated from it is freed.
     *
     * @param ordinal the GPU's index as CUDA counts them, {@code 0..count-1}
     * @throws IllegalStateException when CUDA is not available (saying why), the ordinal is not a GPU, or the
     *     kernel does not load
     */
    public CudaDevice(int ordinal) {
        Availability a = probe();
        if (!a.available()) {
            throw new IllegalStateException("CUDA is not available: " + a.reason());
        }
        this.ordinal = ordinal;
        check(cudaSetDevice(ordinal), "cudaSetDevice(" + ordinal + ")");
        check(cudaFree(null), "cudaFree(null) (context creation)");
        check(cuCtxGetCurrent(context), "cuCtxGetCurrent");
        org.bytedeco.cuda.cudart.cudaDeviceProp prop = new org.bytedeco.cuda.cudart.cudaDeviceProp();
        check(cudaGetDeviceProperties(prop, ordinal), "cudaGetDeviceProperties");
        this.name = prop.name().getString() + " (sm_" + prop.major() + prop.minor() + ")";
        long t0 = System.nanoTime();
        BytePointer image = new BytePointer(readKernels());
        check(cuModuleLoadData(module, image), "cuModuleLoadData(normalize.fatbin)");
        check(cuModuleGetFunction(function, module, KERNEL), "cuModuleGetFunction(" + KERNEL + ")");
        this.loadNanos = System.nanoTime() - t0;
        image.deallocate();
    }

    static byte[] readKernels() {
        try (InputStream in = CudaDevice.class.getResourceAsStream(KERNELS)) {
            if (in == null) {
                throw new IllegalStateException("resource " + KERNELS + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String errorString(int err) {
        BytePointer s = cudaGetErrorString(err);
        return s == null ? "error " + err : s.getString();
    }

    static void check(int err, String what) {
        if (err != cudaSuccess) {
            throw new IllegalStateException(what + " failed: " + errorString(err) + " (" + err + ")");
        }
    }

    private void current() {
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /**
     * How long the constructor took to load the kernel module (a one-time cost, reported by the benchmarks): short
     * where the fatbin has this GPU's machine code, longer where the driver compiles the PTX.
     *
     * @return milliseconds
     */
    public double moduleLoadMillis() {
        return loadNanos / 1e6;
    }

    int ordinal() {
        return ordinal;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Buffer malloc(long bytes) {
        current();
        Pointer p = new Pointer();
        check(cudaMalloc(p, bytes), "cudaMalloc(" + bytes + ")");
        return new CudaBuffer(p, bytes);
    }

    @Override
    public void free(Buffer buffer) {
        current();
        check(cudaFree(((CudaBuffer) buffer).pointer), "cudaFree");
    }

    @Override
    public BytePointer hostAlloc(long bytes) {
        current();
        BytePointer p = new BytePointer();
        int err = cudaHostAlloc(p, bytes, cudaHostAllocPortable);
        if (err != cudaSuccess) {
            throw new OutOfMemoryError("cudaHostAlloc(" + bytes + ") failed: " + errorString(err));
        }
        return p.capacity(bytes);
    }

    @Override
    public void hostFree(BytePointer memory) {
        current();
        check(cudaFreeHost(memory), "cudaFreeHost");
    }

    @Override
    public Stream newStream() {
        current();
        CUstream_st s = new CUstream_st();
        check(cudaStreamCreateWithFlags(s, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        return new CudaStream(s);
    }

    @Override
    public void destroy(Stream stream) {
        current();
        check(cudaStreamDestroy(((CudaStream) stream).handle()), "cudaStreamDestroy");
    }

    @Override
    public Event newEvent() {
        current();
        CUevent_st e = new CUevent_st();
        check(cudaEventCreateWithFlags(e, cudaEventDisableTiming), "cudaEventCreateWithFlags");
        return new CudaEvent(e);
    }

    @Override
    public Event newTimedEvent() {
        current();
        CUevent_st e = new CUevent_st();
        check(cudaEventCreateWithFlags(e, cudaEventDefault), "cudaEventCreateWithFlags(cudaEventDefault)");
        return new CudaEvent(e);
    }

    @Override
    public boolean isComplete(Event event) {
        current();
        int err = cudaEventQuery(((CudaEvent) event).handle());
        if (err == cudaErrorNotReady) {
            return false;
        }
        check(err, "cudaEventQuery");
        return true;
    }

    @Override
    public float elapsedMillis(Event start, Event end) {
        current();
        float[] ms = new float[1];
        check(
                cudaEventElapsedTime(ms, ((CudaEvent) start).handle(), ((CudaEvent) end).handle()),
                "cudaEventElapsedTime");
        return ms[0];
    }

    @Override
    public void destroy(Event event) {
        current();
        check(cudaEventDestroy(((CudaEvent) event).handle()), "cudaEventDestroy");
    }

    @Override
    public void copyToDevice(BytePointer src, Buffer dst, long bytes, Stream stream) {
        current();
        check(
                cudaMemcpyAsync(
                        ((CudaBuffer) dst).pointer, src, bytes, cudaMemcpyHostToDevice, ((CudaStream) stream).handle()),
                "cudaMemcpyAsync(host to device, " + bytes + ")");
    }

    @Override
    public void copyToHost(Buffer src, BytePointer dst, long bytes, Stream stream) {
        current();
        check(
                cudaMemcpyAsync(
                        dst, ((CudaBuffer) src).pointer, bytes, cudaMemcpyDeviceToHost, ((CudaStream) stream).handle()),
                "cudaMemcpyAsync(device to host, " + bytes + ")");
    }

    @Override
    public void fill(Buffer buffer, long offset, int value, long bytes, Stream stream) {
        if (offset < 0 || bytes < 0 || offset + bytes > buffer.bytes()) {
            throw new IllegalArgumentException(
                    "fill of " + bytes + " bytes at " + offset + " is outside the " + buffer.bytes() + "-byte buffer");
        }
        current();
        // a byte view, so that JavaCPP adds the offset in bytes
        BytePointer at = new BytePointer(((CudaBuffer) buffer).pointer).position(offset);
        check(cudaMemsetAsync(at, value, bytes, ((CudaStream) stream).handle()), "cudaMemsetAsync");
    }

    @Override
    public void normalize(Buffer src, Buffer dst, int batch, long spatial, Normalization n, Stream stream) {
        int channels = n.channels();
        long total = (long) batch * channels * spatial;
        if (total == 0) {
            return;
        }
        if (src.bytes() < total || dst.bytes() < total * 4) {
            throw new IllegalArgumentException("normalize of " + total + " elements needs " + total + " B in and "
                    + total * 4 + " B out but buffers hold " + src.bytes() + " and " + dst.bytes());
        }
        current();
        int block = 256;
        int grid = (int) Math.min((total + block - 1) / block, 65536L * 4);
        float[] scale = new float[4];
        float[] bias = new float[4];
        for (int c = 0; c < channels; c++) {
            scale[c] = n.scale(c);
            bias[c] = n.bias(c);
        }
        // kernelParams: one pointer per argument, to memory holding the argument's value
        Pointer[] args = {
            new LongPointer(1).put(src.address()),
            new LongPointer(1).put(dst.address()),
            new LongPointer(1).put(total),
            new IntPointer(1).put(channels),
            new LongPointer(1).put(spatial),
            new IntPointer(1).put(n.input() == Normalization.Layout.CHANNELS_LAST ? 1 : 0),
            new IntPointer(1).put(n.output() == Normalization.Layout.CHANNELS_LAST ? 1 : 0),
            new FloatPointer(1).put(scale[0]),
            new FloatPointer(1).put(scale[1]),
            new FloatPointer(1).put(scale[2]),
            new FloatPointer(1).put(scale[3]),
            new FloatPointer(1).put(bias[0]),
            new FloatPointer(1).put(bias[1]),
            new FloatPointer(1).put(bias[2]),
            new FloatPointer(1).put(bias[3]),
        };
        PointerPointer<Pointer> params = new PointerPointer<>(args);
        try {
            check(
                    cuLaunchKernel(
                            function,
                            grid,
                            1,
                            1,
                            block,
                            1,
                            1,
                            0,
                            ((CudaStream) stream).handle(),
                            params,
                            (PointerPointer<?>) null),
                    "cuLaunchKernel(" + KERNEL + ")");
        } finally {
            params.deallocate(); // the driver copies the arguments at launch
            for (Pointer p : args) {
                p.deallocate();
            }
        }
    }

    @Override
    public void record(Event event, Stream stream) {
        current();
        check(cudaEventRecord(((CudaEvent) event).handle(), ((CudaStream) stream).handle()), "cudaEventRecord");
    }

    @Override
    public void waitEvent(Stream stream, Event event) {
        current();
        check(
                cudaStreamWaitEvent(((CudaStream) stream).handle(), ((CudaEvent) event).handle(), 0),
                "cudaStreamWaitEvent");
    }

    @Override
    public void synchronize(Event event) {
        current();
        check(cudaEventSynchronize(((CudaEvent) event).handle()), "cudaEventSynchronize");
    }

    @Override
    public void synchronize(Stream stream) {
        current();
        check(cudaStreamSynchronize(((CudaStream) stream).handle()), "cudaStreamSynchronize");
    }

    @Override
    public long[] memInfo() {
        current();
        try (SizeTPointer free = new SizeTPointer(1);
                SizeTPointer total = new SizeTPointer(1)) {
            check(cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new long[] {free.get(), total.get()};
        }
    }

    /** Unloads the kernel module. Idempotent. The primary context stays (CUDA owns it). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            current();
            cuModuleUnload(module);
        }
    }

    @Override
    public String toString() {
        return "cuda:" + ordinal + " " + name;
    }
}
