package org.etab.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * A seeded mutator for parser fuzzing: damages valid inputs the ways real files get damaged (truncation, lost or
 * duplicated lines, flipped bytes) and the ways hostile ones are built (separators, quotes, huge or non-finite
 * numbers, path tricks). Deterministic for a seed, so a failing case can be replayed.
 */
public final class Mutator {
    private static final String[] TOKENS = {
        ",",
        "\"",
        "\n",
        "\r\n",
        ":",
        "=",
        " ",
        "NaN",
        "Infinity",
        "-1",
        "0",
        "1e39",
        "99999999999999999999",
        "..",
        "../",
        "/",
        "\\",
        "0X",
        ".avi",
        ".png",
        "patient",
        "TRAIN",
        "null",
        "\u0000",
        "\uFEFF",
        "é"
    };

    private final Random random;

    public Mutator(long seed) {
        this.random = new Random(seed);
    }

    /** One to three random mutations of {@code input}. */
    public byte[] mutate(byte[] input) {
        byte[] out = input;
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            out = once(out);
        }
        return out;
    }

    private byte[] once(byte[] in) {
        if (in.length == 0) {
            return token();
        }
        int at = random.nextInt(in.length);
        switch (random.nextInt(8)) {
            case 0: // truncate
                return Arrays.copyOf(in, at);
            case 1: { // flip a byte
                byte[] out = in.clone();
                out[at] = (byte) random.nextInt(256);
                return out;
            }
            case 2: // insert a token
                return splice(in, at, at, token());
            case 3: { // replace a run with a token
                int end = Math.min(in.length, at + 1 + random.nextInt(12));
                return splice(in, at, end, token());
            }
            case 4: { // delete a run
                int end = Math.min(in.length, at + 1 + random.nextInt(40));
                return splice(in, at, end, new byte[0]);
            }
            case 5: { // duplicate a run (e.g. a line)
                int end = Math.min(in.length, at + 1 + random.nextInt(80));
                return splice(in, end, end, Arrays.copyOfRange(in, at, end));
            }
            case 6: { // swap two bytes
                byte[] out = in.clone();
                int b = random.nextInt(in.length);
                byte t = out[at];
                out[at] = out[b];
                out[b] = t;
                return out;
            }
            default: // a number made absurd
                return splice(in, at, at, String.valueOf(random.nextLong()).getBytes(StandardCharsets.UTF_8));
        }
    }

    private byte[] token() {
        return TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        byte[] out = new byte[from + insert.length + (in.length - to)];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, to, out, from + insert.length, in.length - to);
        return out;
    }
}
