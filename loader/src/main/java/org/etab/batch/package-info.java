/**
 * Tensor specs, pooled native batch memory, and the batches handed to the consumer ({@link org.etab.batch.Batch}, closed by the consumer to return its memory).
 *
 * <p>API: users hold and close {@code Batch}es and read their tensors. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.batch;
