/**
 * The CUDA feeder: pinned host batches uploaded as uint8 and normalized on the device, attached to a pipeline ({@code DeviceFeeder.builder().pipeline(p)}).
 *
 * <p>API: {@code DeviceFeeder}, {@code FeederOptions}, {@code CudaDevice}; the ring, streams, geometry and metrics binder are package-private stages. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.gpu.cuda;
