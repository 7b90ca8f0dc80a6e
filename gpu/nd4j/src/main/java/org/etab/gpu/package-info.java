/**
 * ND4J views of host batches ({@link org.etab.gpu.Nd4jBatches}, no copy) and the DL4J {@code DataSetIterator} over a
 * pipeline ({@link org.etab.gpu.EtabDataSetIterator}), for {@code model.fit}. ND4J is a {@code provided} dependency:
 * users add the backend they run on.
 *
 * <p>API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.gpu;
