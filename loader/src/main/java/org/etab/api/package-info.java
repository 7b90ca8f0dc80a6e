/**
 * The ETAB-style API ({@code ETAB_dataset}, {@code load_data}, {@code training_data_split}) over the dataset registry.
 *
 * <p>API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.api;
