package org.etab.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;
import org.etab.source.SampleSource;

/**
 * The fingerprint of each epoch's order that the CLI saves in its resume state ({@code ResumeState.order}): the
 * source's own ({@link SampleSource#orderFingerprint}), or for an export of several size groups one over the
 * groups' in export order. Of the whole epoch before sharding, {@code --limit} and {@code --drop-last}, so that a
 * resumed run may raise its limit, but not change its shuffle, clip starts or selection.
 */
final class OrderFingerprint {
    private OrderFingerprint() {}

    /** Per epoch, over the sources in order, each epoch's computed once. Not thread-safe. */
    static IntToLongFunction perEpoch(List<SampleSource> sources) {
        Map<Integer, Long> known = new HashMap<>();
        return epoch -> known.computeIfAbsent(epoch, e -> {
            if (sources.size() == 1) {
                return sources.get(0).orderFingerprint(e);
            }
            long combined = 17;
            for (SampleSource s : sources) {
                combined = combined * 0x9E3779B97F4A7C15L + s.orderFingerprint(e);
            }
            return combined == 0 ? 1 : combined;
        });
    }
}
