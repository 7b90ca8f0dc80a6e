/**
 * File formats: video frames through FFmpeg (the public {@link org.etab.decode.VideoDecoder} facade over package-private stages), MetaImage and NIfTI volumes, PNG stills.
 *
 * <p>Internal: public only because the dataset packages use it; not a stable API. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.decode;
