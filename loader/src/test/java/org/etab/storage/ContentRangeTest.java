package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Content-Range as servers send it, and as they should not. */
class ContentRangeTest {
    @Test
    void aRangeWithItsSizeOrAnUnknownSizeParses() {
        assertThat(ContentRange.parse("bytes 0-99/1000")).isEqualTo(new ContentRange(0, 99, 1000));
        assertThat(ContentRange.parse("bytes 100-199/*")).isEqualTo(new ContentRange(100, 199, -1));
        assertThat(ContentRange.parse("bytes 0-999999999999999999/999999999999999999"))
                .isEqualTo(new ContentRange(0, 999_999_999_999_999_999L, 999_999_999_999_999_999L));
    }

    @Test
    void absentMalformedUnsatisfiedOrOverflowingHeadersAreNone() {
        for (String bad : new String[] {
            null,
            "",
            "bytes */1000", // a 416's form
            "bytes 0-99",
            "items 0-99/1000",
            "bytes -1-99/1000",
            "bytes 0-99/1000 ",
            "bytes 3000-99999999999999999999/10000",
            "bytes 0-9/9223372036854775808"
        }) {
            assertThat(ContentRange.parse(bad)).as("%s", bad).isEqualTo(ContentRange.NONE);
        }
    }
}
