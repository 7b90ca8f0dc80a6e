/**
 * The backpressured Flux: epoch schedule, batch assembly, delivery, the account of every sample, and the closeable iteration; a facade ({@link org.etab.pipeline.Pipeline}) over package-private stages.
 *
 * <p>Start with {@link org.etab.pipeline.PipelineOptions#builder()} and
 * {@code new Pipeline(source, options)}; iterate an epoch with {@link org.etab.pipeline.Pipeline#iterate(int)} in
 * try-with-resources, and close every batch and the pipeline.
 *
 * <p>API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.pipeline;
