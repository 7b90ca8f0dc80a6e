/**
 * What every phantom generator shares: the writer base, the heart model, the renderer, the MJPEG AVI writer, the output-directory guard.
 *
 * <p>Internal: public only because the dataset packages use it; phantoms are written through the dataset registry or {@code etab synth}. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.synth;
