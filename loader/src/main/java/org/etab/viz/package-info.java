/**
 * ETAB's {@code plot_segment} and {@code create_echo_clip}.
 *
 * <p>API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.viz;
