/**
 * The YAML configuration: dataset directories (by each dataset's config key and environment variable) and pipeline defaults.
 *
 * <p>API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.config;
