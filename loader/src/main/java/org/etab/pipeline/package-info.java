/**
 * The backpressured Flux: epoch schedule, batch assembly, delivery, the account of every sample, and the closeable iteration; a facade ({@link org.etab.pipeline.Pipeline}) over package-private stages.
 *
 * <p>API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.pipeline;
