package org.etab.datasets.raw8;

import java.nio.file.Path;
import org.etab.source.Split;

/**
 * One row of {@code index.csv}: a gray still of {@code rows x cols} bytes.
 *
 * @param view 0 for AP2CH, 1 for AP4CH (the {@code view} target's class)
 */
record Raw8Record(String id, Path file, int rows, int cols, float ef, int view, Split split) {
    static final String[] VIEWS = {"AP2CH", "AP4CH"};
}
