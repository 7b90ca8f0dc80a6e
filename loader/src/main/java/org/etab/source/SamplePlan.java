package org.etab.source;

/**
 * One sample to produce: which record, which of its frames, its place in the epoch. Plans are made up
 * front for a whole epoch (cheap: no I/O), so the order is fixed before any decoding starts.
 *
 * @param position  place in the epoch's order
 * @param record    index of the record in the source's selection
 * @param id        the sample id
 * @param file      the file it reads, for error reports
 * @param frames    source frames, one per clip position (one entry for a still)
 * @param failure   why this sample cannot be produced (known before decoding), or null
 */
public record SamplePlan(long position, int record, String id, String file, int[] frames, String failure) {}
