/**
 * The pipeline's batches as a DJL {@code Dataset} ({@link org.etab.djl.PipelineDataset}), for
 * {@code EasyTrain.fit}; DJL and its engine come from the user.
 *
 * <p>API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.djl;
