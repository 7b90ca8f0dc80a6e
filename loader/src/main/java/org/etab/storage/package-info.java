/**
 * Where bytes come from over the network: the HTTP(S) store (Range reads, retries, bounded concurrency) and its disk cache.
 *
 * <p>API: {@link org.etab.storage.HttpStoreOptions} for reading EchoNet-Dynamic from a URL root; the rest is internal. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.storage;
