package org.etab.source;

/**
 * A sample that was planned and not delivered.
 *
 * @param id       the sample id
 * @param file     the file it came from
 * @param stage    where it failed
 * @param reason   what went wrong
 * @param epoch    the epoch it was planned in
 * @param sequence its place in this rank's sequence of that epoch (what a resume position counts), so that a
 *                 consumer can put failures in delivery order
 * @param repeat   a repeat that sharding added to even out the ranks (another rank has the sample too), as
 *                 {@code SampleInfo.repeat()} flags a delivered one
 */
public record SampleFailure(
        String id, String file, Stage stage, String reason, int epoch, long sequence, boolean repeat)
        implements java.io.Serializable {
    /**
     * A failure of a sample that is not a sharding repeat.
     *
     * @param id       the sample id
     * @param file     the file it came from
     * @param stage    where it failed
     * @param reason   what went wrong
     * @param epoch    the epoch it was planned in
     * @param sequence its place in this rank's sequence of that epoch
     */
    public SampleFailure(String id, String file, Stage stage, String reason, int epoch, long sequence) {
        this(id, file, stage, reason, epoch, sequence, false);
    }

    /**
     * {@return what stops a run under the fail error policy: {@code sample <id> failed: <reason> (stopping: error
     * policy is fail)}}
     */
    public String stopMessage() {
        return "sample " + id + " failed: " + reason + " (stopping: error policy is fail)";
    }

    @Override
    public String toString() {
        return id + " (" + stage + "): " + (repeat ? "repeat (sharding padding); " : "") + reason;
    }
}
