/**
 * The optional metrics server: Prometheus text and a live dashboard read from a Micrometer registry. The library never starts it on its own.
 *
 * <p>API: {@link org.etab.metrics.MetricsServer}. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.metrics;
