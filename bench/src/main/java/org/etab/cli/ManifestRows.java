package org.etab.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import org.etab.batch.HostTensor;
import org.etab.batch.SampleInfo;

/**
 * What {@code etab export}'s {@code manifest.csv} says: its header, and one row per exported sample (its files, where
 * it came from, its label when short). The last columns appear only where they apply: {@code label_scheme} for class
 * targets with several codings, {@code layout} for clips.
 */
final class ManifestRows {
    private final String scheme; // null: no label_scheme column
    private final String layout; // null: no layout column

    ManifestRows(String scheme, String layout) {
        this.scheme = scheme;
        this.layout = layout;
    }

    List<String> header() {
        List<String> header = new ArrayList<>(
                List.of("id", "source_id", "x", "y", "epoch", "position", "source_frames", "valid_frames", "label"));
        if (scheme != null) {
            header.add("label_scheme");
        }
        if (layout != null) {
            header.add("layout");
        }
        return header;
    }

    /** The row of the sample in {@code slot} of a batch, exported as {@code id}. */
    List<String> row(String id, SampleInfo info, HostTensor labels, int slot) {
        List<String> row = new ArrayList<>(List.of(
                id,
                info.id(),
                id + ".x.npy",
                id + ".y.npy",
                Integer.toString(info.epoch()),
                Long.toString(info.position()),
                Arrays.stream(info.sourceFrames()).mapToObj(Integer::toString).collect(Collectors.joining(" ")),
                Integer.toString(info.validFrames()),
                labelText(labels, slot)));
        if (scheme != null) {
            row.add(scheme);
        }
        if (layout != null) {
            row.add(layout);
        }
        return row;
    }

    /**
     * Scalars and pairs ({@code [1]}, {@code [2]}) in the manifest; masks ({@code [H, W]}) only in their .npy, however
     * few their pixels ({@code --frame-size 2x2} gave "0 0 0 1").
     */
    private static String labelText(HostTensor y, int slot) {
        if (y.spec().shape().length > 1 || y.spec().elements() > 4) {
            return "";
        }
        StringJoiner text = new StringJoiner(" ");
        switch (y.spec().dtype()) {
            case FLOAT32 -> {
                for (float v : y.slotFloats(slot)) {
                    text.add(Double.toString(v)); // as a double, as the manifest always gave it
                }
            }
            case INT32 -> {
                for (int v : y.slotInts(slot)) {
                    text.add(Integer.toString(v));
                }
            }
            case UINT8 -> {
                for (byte v : y.slotBytes(slot)) {
                    text.add(Integer.toString(Byte.toUnsignedInt(v)));
                }
            }
        }
        return text.toString();
    }
}
