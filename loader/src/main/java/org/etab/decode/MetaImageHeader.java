package org.etab.decode;

import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A MetaImage text header: {@code Key = Value} lines up to and including the {@code ElementDataFile} line (at most
 * {@value MetaImageReader#MAX_HEADER} bytes), keys matched in any case ({@link MetaImageReader} has the contract).
 */
final class MetaImageHeader {
    final Path file;
    /** Keys lower-cased. */
    final Map<String, String> values = new LinkedHashMap<>();
    /** Offset of the first byte after the ElementDataFile line. */
    int end = -1;

    private MetaImageHeader(Path file) {
        this.file = file;
    }

    static MetaImageHeader parse(Path file, SeekableByteChannel in, long fileLength) {
        int n = (int) Math.min(fileLength, MetaImageReader.MAX_HEADER);
        byte[] bytes = Payload.read(file, in, 0, n);
        MetaImageHeader h = new MetaImageHeader(file);
        int pos = 0;
        int lineNo = 0;
        while (pos < n) {
            int eol = pos;
            while (eol < n && bytes[eol] != '\n' && bytes[eol] != '\r') {
                eol++;
            }
            if (eol == n && fileLength > n) {
                break; // line cut by the cap: no ElementDataFile found in time
            }
            int next = eol;
            if (next < n && bytes[next] == '\r') {
                next++;
            }
            if (next < n && bytes[next] == '\n') {
                next++;
            }
            lineNo++;
            // UTF-8: a data file name outside ASCII is written as the file system names it
            String line = new String(bytes, pos, eol - pos, StandardCharsets.UTF_8).trim();
            pos = next;
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new DatasetException(
                        file, "header line " + lineNo + " is not 'Key = Value': '" + abbreviate(line) + "'");
            }
            String key = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            String lower = key.toLowerCase(Locale.ROOT);
            if (h.values.putIfAbsent(lower, value) != null) {
                throw new DatasetException(file, "header key " + key + " appears twice");
            }
            if (lower.equals("elementdatafile")) {
                h.end = pos;
                return h;
            }
        }
        throw new DatasetException(
                file,
                "no ElementDataFile line in the header"
                        + (fileLength > n ? " (first " + MetaImageReader.MAX_HEADER + " bytes)" : "")
                        + ": not a MetaImage header");
    }

    String get(String key) {
        return values.get(key.toLowerCase(Locale.ROOT));
    }

    String require(String key) {
        String v = get(key);
        if (v == null || v.isEmpty()) {
            throw new DatasetException(file, "header has no " + key);
        }
        return v;
    }

    /** Whitespace-separated integers, between min and max of them. */
    long[] longs(String key, int min, int max) {
        String raw = require(key);
        String[] parts = raw.split("\\s+");
        if (parts.length < min || parts.length > max) {
            throw new DatasetException(
                    file,
                    key + " must have " + (min == max ? "" + min : min + ".." + max) + " value" + (max == 1 ? "" : "s")
                            + " but was '" + abbreviate(raw) + "'");
        }
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new DatasetException(
                        file,
                        key + " is not " + (max == 1 ? "an integer" : "a list of integers") + ": '" + abbreviate(raw)
                                + "'");
            }
        }
        return out;
    }

    /** A True/False key, false when absent; the first key present wins. */
    boolean flag(String... keys) {
        for (String k : keys) {
            String v = get(k);
            if (v != null) {
                return bool(k, v);
            }
        }
        return false;
    }

    boolean bool(String key, String v) {
        if (v.equalsIgnoreCase("true") || v.equals("1")) {
            return true;
        }
        if (v.equalsIgnoreCase("false") || v.equals("0")) {
            return false;
        }
        throw new DatasetException(file, key + " must be True or False but was '" + abbreviate(v) + "'");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
