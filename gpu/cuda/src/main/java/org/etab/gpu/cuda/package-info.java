/**
 * The CUDA feeder: pinned host batches uploaded as uint8 and normalized on the device, attached to a pipeline ({@code DeviceFeeder.builder().pipeline(p)}).
 *
 * <p>API: {@link org.etab.gpu.cuda.DeviceFeeder} (with {@link org.etab.gpu.cuda.FeederOptions}) hands out
 * {@link org.etab.gpu.cuda.DeviceBatch}es; {@link org.etab.gpu.cuda.PinnedAllocator} gives the pipeline pinned batch
 * memory; {@link org.etab.gpu.cuda.Normalization} says what the kernel computes and
 * {@link org.etab.gpu.cuda.NormalizeReference} checks it on the CPU; {@link org.etab.gpu.cuda.CudaDevice} is the GPU
 * behind the {@link org.etab.gpu.cuda.Device} interface (which tests fake on the CPU). Only {@code CudaDevice} loads
 * the CUDA libraries, when first used. The ring, streams, geometry and metrics binder are package-private stages. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.gpu.cuda;
