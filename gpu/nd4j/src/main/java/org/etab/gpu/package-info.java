/**
 * ND4J views of host batches and the DL4J {@code DataSetIterator} over a pipeline.
 *
 * <p>API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.gpu;
