/**
 * CAMUS (original MetaImage and 2023 NIfTI releases): reader, index, records, source, phantom and registry entry.
 *
 * <p>API: the reader, index, records and source; otherwise open it by name through the registry. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.datasets.camus;
