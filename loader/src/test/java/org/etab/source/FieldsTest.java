package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FieldsTest {

    static float plain(String s) {
        char[] padded = ("xx" + s + "yy").toCharArray(); // the value sits inside a larger buffer, as in FastCSV
        return Fields.plainFloat(padded, 2, s.length());
    }

    @Test
    void plainDecimalsParseExactlyLikeFloatParseFloat() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            String s = decimal(random);
            float fast = plain(s);
            assertThat(Float.floatToRawIntBits(fast)).as(s).isEqualTo(Float.floatToRawIntBits(Float.parseFloat(s)));
        }
        for (String s : new String[] {
            "0",
            "-0",
            "0.0",
            "51.26041667",
            "112",
            "0.5",
            "-3.25",
            "007.50",
            ".5",
            "5.",
            "123456789012345",
            "0.000000000000000000001",
            "16777218",
            "0.1",
            "34"
        }) {
            assertThat(Float.floatToRawIntBits(plain(s))).as(s).isEqualTo(Float.floatToRawIntBits(Float.parseFloat(s)));
        }
    }

    @Test
    void doubleRoundingCasesTakeTheSlowPath() {
        // 16777217 = 2^24 + 1 is exactly halfway between two floats: a double, and left to the slow path
        assertThat(plain("16777217")).isNaN();
        assertThat(plain("16777219")).isNaN();
        // 1.00000005960464477539 is 1 + 2^-24 (a float midpoint) to 21 digits: too many digits, slow path
        assertThat(plain("1.000000059604644775390625")).isNaN();
    }

    @Test
    void anythingButAPlainDecimalTakesTheSlowPath() {
        for (String s : new String[] {
            "",
            "-",
            ".",
            "1e5",
            "NaN",
            "Infinity",
            " 1",
            "1 ",
            "+1",
            "1.2.3",
            "0x10",
            "1f",
            "1234567890123456",
            "abc",
            "1,5"
        }) {
            assertThat(plain(s)).as("'%s'", s).isNaN();
        }
    }

    @Test
    void plainIntegers() {
        char[] b = "a46b-1c1234567890".toCharArray();
        assertThat(Fields.plainNonNegativeInt(b, 1, 2)).isEqualTo(46);
        assertThat(Fields.plainNonNegativeInt(b, 4, 2)).isEqualTo(-1);
        assertThat(Fields.plainNonNegativeInt(b, 7, 10)).isEqualTo(-1); // 10 digits: slow path
        assertThat(Fields.plainNonNegativeInt(b, 7, 9)).isEqualTo(123456789);
        assertThat(Fields.plainNonNegativeInt(b, 0, 0)).isEqualTo(-1);
    }

    private static String decimal(Random random) {
        StringBuilder sb = new StringBuilder();
        if (random.nextInt(4) == 0) {
            sb.append('-');
        }
        int intDigits = random.nextInt(5);
        for (int i = 0; i < intDigits; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        int fracDigits = random.nextInt(12);
        if (fracDigits > 0 || intDigits == 0) {
            sb.append('.');
            for (int i = 0; i < Math.max(fracDigits, 1); i++) {
                sb.append((char) ('0' + random.nextInt(10)));
            }
        }
        return sb.toString();
    }
}
