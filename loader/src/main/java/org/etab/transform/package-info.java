/**
 * The fused per-frame pass into a batch slot: resize, gray to channels, normalize, zero padding.
 *
 * <p>Internal: public only because the source skeleton uses it; not a stable API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.transform;
