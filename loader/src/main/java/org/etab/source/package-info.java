/**
 * The contract the pipeline consumes ({@code SampleSource}, {@code SampleWorker}, {@code SamplePlan}, {@code SampleOptions}, {@code SampleFailure} with its {@code Stage}), the shared skeleton every dataset is written on, {@code Target}, index helpers, and the dataset registry ({@code DatasetRegistry}, {@code DatasetProvider}).
 *
 * <p>API: {@code SampleOptions}, {@code Target}, {@code DatasetRegistry}, {@code OpenedDataset}, and {@code DatasetProvider} for a new dataset; the skeleton classes are for dataset packages. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.source;
