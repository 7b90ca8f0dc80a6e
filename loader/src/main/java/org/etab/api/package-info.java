/**
 * The ETAB-style API ({@code ETAB_dataset}, {@code load_data}, {@code training_data_split}) over the dataset registry.
 *
 * <p>Start with {@link org.etab.api.EtabDataset#builder()}: {@code loadData} copies samples to the heap as
 * {@link org.etab.api.Item}s, {@code stream} gives pooled ones; {@link org.etab.api.DataTools} splits them as ETAB
 * does; {@link org.etab.api.Datasets} opens a dataset by name for a {@link org.etab.pipeline.Pipeline}.
 *
 * <p>API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.api;
