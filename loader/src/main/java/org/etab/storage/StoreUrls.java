package org.etab.storage;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The parts of a store's URLs: a root's user info as credentials, the root without it, encoded path segments. */
final class StoreUrls {
    private StoreUrls() {}

    /**
     * RFC 7617 Basic credentials from a URL's raw user info ({@code user:password}, percent-decoded; a user alone
     * has an empty password, as curl sends it).
     */
    static String basic(String rawUserInfo) {
        String decoded = URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (decoded.indexOf(':') < 0) {
            decoded += ":";
        }
        return "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
    }

    static URI withoutUserInfo(URI root) {
        String raw = root.toString();
        int at = raw.indexOf('@', raw.indexOf("//") + 2);
        return URI.create(raw.substring(0, raw.indexOf("//") + 2) + raw.substring(at + 1));
    }

    static void encodeSegment(String segment, StringBuilder out) {
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
    }
}
