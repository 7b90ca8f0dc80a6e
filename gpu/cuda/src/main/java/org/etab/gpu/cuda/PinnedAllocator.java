package org.etab.gpu.cuda;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.HostAllocator;

/**
 * Batch memory in page-locked (pinned) host memory, so the loader collates batches directly where the DMA
 * engine reads them: copies from pinned memory run at the PCIe limit (~55 GB/s measured on an H100), from
 * pageable memory at ~8 GB/s (docs/gpu.md). With {@link CudaDevice} the memory comes from
 * {@code cudaHostAlloc(..., cudaHostAllocPortable)}: portable (usable by every context), NOT write-combined,
 * because the loader writes batches and tests and exporters read them back (write-combined memory is very slow
 * for the CPU to read).
 *
 * <p>Threading: thread-safe (the pool calls it from decode threads). Ownership: every block is freed exactly
 * once through {@link #free}; freeing an unknown or already freed block throws instead of corrupting the heap.
 * Pass it to {@code new Pipeline(source, options, registry, allocator)}.
 */
public final class PinnedAllocator implements HostAllocator {
    private final Device device;
    private final Set<Long> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytes = new AtomicLong();

    /**
     * An allocator that takes its blocks from {@code device}.
     *
     * @param device the device whose {@link Device#hostAlloc} provides the memory; it must stay open until every
     *     block is freed (the pipeline that uses this allocator is closed)
     */
    public PinnedAllocator(Device device) {
        this.device = device;
    }

    /**
     * A pinned block of {@code size} bytes.
     *
     * @param size bytes, {@code >= 1}
     * @return the block, capacity {@code size}; free it with {@link #free}
     * @throws IllegalArgumentException when {@code size < 1}
     * @throws OutOfMemoryError when the device cannot allocate it
     */
    @Override
    public BytePointer allocate(long size) {
        if (size < 1) {
            throw new IllegalArgumentException("bytes >= 1 required but was " + size);
        }
        BytePointer p = device.hostAlloc(size);
        if (p == null || p.isNull()) {
            throw new OutOfMemoryError("cannot allocate " + size + " bytes of pinned host memory for a batch");
        }
        p.capacity(size);
        live.add(p.address());
        bytes.addAndGet(size);
        return p;
    }

    /**
     * Frees a block from {@link #allocate}. No copy may still read it.
     *
     * @param memory a block from this allocator, not yet freed
     * @throws IllegalStateException when the block was not allocated here or is already freed
     */
    @Override
    public void free(BytePointer memory) {
        if (!live.remove(memory.address())) {
            throw new IllegalStateException("pinned block at 0x" + Long.toHexString(memory.address())
                    + " was not allocated here or is already freed");
        }
        bytes.addAndGet(-memory.capacity());
        device.hostFree(memory);
    }

    /**
     * Blocks currently allocated (for leak checks).
     *
     * @return blocks allocated and not yet freed
     */
    public int blocks() {
        return live.size();
    }

    /**
     * Pinned bytes currently allocated.
     *
     * @return bytes of the blocks allocated and not yet freed
     */
    public long bytes() {
        return bytes.get();
    }

    @Override
    public String toString() {
        return "pinned(" + device.name() + ")";
    }
}
