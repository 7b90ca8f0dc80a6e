package org.etab.gpu;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.jcublas.JCublasBackend;

/**
 * Device memory (with its host mirror) as a CUDA-backed ND4J array, without a copy: ND4J's
 * {@code Nd4j.createBuffer(hostPointer, devicePointer, length, type)} wraps both sides, where its other paths
 * copy synchronously. Compiled only with the Maven profile {@code nd4j-cuda} (ND4J's CUDA 11.6 backend).
 *
 * <p>Where it runs: ND4J 1.0.0-M2.1, the last release, ships machine code for sm_37..sm_86 and no PTX, so this
 * works on Kepler to Ampere (and Ada by cubin compatibility) with CUDA 11.6, and NOT on Hopper (H100/H200,
 * sm_90): the first kernel fails with "no kernel image is available". See docs/gpu.md.
 *
 * <p>Ownership: the array does not own either pointer; both must stay allocated while it is in use, and the
 * caller frees them. Threading: as ND4J's (the array belongs to the thread's CUDA context/stream).
 */
public final class Nd4jCudaBuffers {
    private Nd4jCudaBuffers() {
    }

    /**
     * Whether {@link #wrap} can work here. Calling it initializes ND4J's backend if it is not yet.
     *
     * @return true when ND4J's active backend is the CUDA one (nd4j-cuda-11.6 with its natives loaded)
     */
    public static boolean cudaBackend() {
        return Nd4j.getBackend() instanceof JCublasBackend;
    }

    /**
     * Wraps {@code device} (device memory) and {@code host} (its host mirror, ideally pinned) as one array of
     * {@code shape}, C order.
     *
     * @param host   host memory of at least {@code product(shape)} elements of {@code type}; its Pointer class
     *               must match the type (FloatPointer for FLOAT, ...), as ND4J picks its indexer from it
     * @param device device memory of the same size
     * @param type   ND4J data type of the elements
     * @param shape  dimensions, each {@code >= 1}; their product is the element count
     * @return an array over both pointers, owning neither
     * @throws IllegalArgumentException when a pointer is null or a dimension is below 1
     * @throws ArithmeticException when the element count overflows {@code long}
     * @throws IllegalStateException when ND4J runs on another backend (then the pointers cannot be wrapped)
     */
    public static INDArray wrap(Pointer host, Pointer device, DataType type, long... shape) {
        if (host == null || host.isNull()) {
            throw new IllegalArgumentException("host pointer required but was " + host);
        }
        if (device == null || device.isNull()) {
            throw new IllegalArgumentException("device pointer required but was " + device);
        }
        long length = 1;
        for (long d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("shape dimensions must be >= 1 but were " + java.util.Arrays.toString(shape));
            }
            length = Math.multiplyExact(length, d);
        }
        if (!cudaBackend()) {
            throw new IllegalStateException("ND4J's backend is " + Nd4j.getBackend().getClass().getSimpleName()
                    + ", not CUDA: device pointers need nd4j-cuda-11.6 with its natives on a pre-Hopper GPU");
        }
        DataBuffer buffer = Nd4j.createBuffer(host, device, length, type);
        return Nd4j.create(buffer, shape);
    }
}
