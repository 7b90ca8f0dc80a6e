package org.etab.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The vectors of {@code bench/compare/sklearn_split_vectors.py}, made once with NumPy and scikit-learn:
 * {@code RandomState(seed).permutation(n)} and ETAB's {@code training_data_split}.
 */
public final class SklearnVectors {
    private static final String RESOURCE = "/org/etab/api/sklearn_splits.txt";

    /** {@code RandomState(seed).permutation(n)}. */
    public record Permutation(long seed, int n, int[] order) {}

    /** One split; {@code parts} is {train, val, test}, or null where scikit-learn raised. */
    public record Split(long seed, int n, double trainFrac, double valFrac, boolean shuffle, int[][] parts) {
        @Override
        public String toString() {
            return "seed=" + seed + " n=" + n + " train=" + trainFrac + " val=" + valFrac + " shuffle=" + shuffle;
        }
    }

    private SklearnVectors() {}

    public static List<Permutation> permutations() {
        List<Permutation> out = new ArrayList<>();
        for (String[] line : lines("perm")) {
            String[] head = line[0].trim().split(" ");
            out.add(new Permutation(Long.parseLong(head[1]), Integer.parseInt(head[2]), ints(line[1])));
        }
        return out;
    }

    public static List<Split> splits() {
        List<Split> out = new ArrayList<>();
        for (String[] line : lines("split")) {
            String[] head = line[0].trim().split(" ");
            String body = line[1].trim();
            int[][] parts = body.equals("error")
                    ? null
                    : Arrays.stream(body.split("\\|", -1))
                            .map(SklearnVectors::ints)
                            .toArray(int[][]::new);
            out.add(new Split(
                    Long.parseLong(head[1]),
                    Integer.parseInt(head[2]),
                    Double.parseDouble(head[3]),
                    Double.parseDouble(head[4]),
                    Boolean.parseBoolean(head[5]),
                    parts));
        }
        return out;
    }

    private static int[] ints(String text) {
        String t = text.trim();
        return t.isEmpty()
                ? new int[0]
                : Arrays.stream(t.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    /** Lines of one kind, split at the " : " between the key and the values. */
    private static List<String[]> lines(String kind) {
        try (InputStream in = SklearnVectors.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test resources");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            List<String[]> out = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith(kind + " ")) {
                    out.add(line.split(" : ", 2));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
