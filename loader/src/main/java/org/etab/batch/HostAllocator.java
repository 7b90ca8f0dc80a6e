package org.etab.batch;

import org.bytedeco.javacpp.BytePointer;

/**
 * Where batch memory comes from. The default allocates plain native memory; the GPU module plugs in
 * page-locked (pinned) memory here so that batches are collated directly where the DMA engine reads them.
 *
 * <p>Threading: called from decode threads when the pool grows; implementations must be thread-safe.
 */
public interface HostAllocator {

    /**
     * Allocates native memory; its content is undefined.
     *
     * @param bytes the size, {@code > 0}
     * @return memory of at least {@code bytes}, owned by the pool until it passes it to {@link #free}
     * @throws OutOfMemoryError when the memory cannot be allocated
     */
    BytePointer allocate(long bytes);

    /**
     * Frees memory returned by {@link #allocate}; called exactly once per allocation.
     *
     * @param memory a pointer from {@link #allocate} of this allocator, not used after this
     */
    void free(BytePointer memory);

    /** Plain {@code malloc} memory through JavaCPP (counted in {@code Pointer.totalBytes()}). */
    HostAllocator NATIVE = new HostAllocator() {
        @Override
        public BytePointer allocate(long bytes) {
            BytePointer p = new BytePointer(bytes);
            if (p.isNull()) {
                throw new OutOfMemoryError("cannot allocate " + bytes + " bytes of native memory for a batch");
            }
            return p;
        }

        @Override
        public void free(BytePointer memory) {
            memory.deallocate();
        }

        @Override
        public String toString() {
            return "native";
        }
    };
}
