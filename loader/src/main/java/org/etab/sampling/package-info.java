/**
 * Epoch order, clip choice (fps resampling, random/first/all starts), sharding over ranks and the resume position.
 *
 * <p>Internal to the library except {@code ClipStart}, {@code ClipSpec} and {@code Sharding}, which appear in the options users build, and
 * {@code ResumeState}, which a training loop saves to resume an epoch. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.sampling;
