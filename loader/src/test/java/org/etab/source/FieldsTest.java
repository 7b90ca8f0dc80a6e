package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        // one digit is plain, and 0 and 9 are digits
        char[] d = "7x90".toCharArray();
        assertThat(Fields.plainNonNegativeInt(d, 0, 1)).isEqualTo(7);
        assertThat(Fields.plainNonNegativeInt(d, 2, 2)).isEqualTo(90);
    }

    @Test
    void aFieldAtTheVeryEndOfTheBufferIsReadNoFurther() {
        assertThat(Fields.plainFloat(new char[0], 0, 0)).isNaN();
        assertThat(Fields.plainFloat("-".toCharArray(), 1, 0)).isNaN();
    }

    @Test
    void moreFractionDigitsThanExactPowersOfTenTakeTheSlowPath() {
        // 23 fraction digits: 10^23 has no exact double, so the value is left to Float.parseFloat
        assertThat(plain("0.00000000000000000000001")).isNaN();
        assertThat(plain("0.0000000000000000000001")).isEqualTo(Float.parseFloat("1e-22"));
    }

    @Test
    void finiteFloatsParseAndInfinityOrNaNAreBadRows() throws Fields.BadRow {
        assertThat(Fields.finiteFloat(" 2.5 ", "X")).isEqualTo(2.5f);
        assertThat(Fields.finiteFloat("-0.75", "X")).isEqualTo(-0.75f);
        for (String s : new String[] {"Infinity", "NaN", "1e40"}) { // 1e40 overflows float
            assertThatThrownBy(() -> Fields.finiteFloat(s, "X"))
                    .isInstanceOf(Fields.BadRow.class)
                    .hasMessage("X is not a finite number: '" + s + "'");
        }
        assertThatThrownBy(() -> Fields.finiteFloat("abc", "X")).hasMessage("X is not a number: 'abc'");
    }

    @Test
    void doubleInAcceptsBothBoundsAndNamesTheRangeWhenOutside() throws Fields.BadRow {
        assertThat(Fields.doubleIn("0", "EF", 0, 100)).isEqualTo(0.0);
        assertThat(Fields.doubleIn("100", "EF", 0, 100)).isEqualTo(100.0);
        assertThatThrownBy(() -> Fields.doubleIn("100.5", "EF", 0, 100))
                .hasMessage("EF must be 0 to 100 but was '100.5'");
        assertThatThrownBy(() -> Fields.doubleIn("-0.01", "EF", 0, 100))
                .hasMessage("EF must be 0 to 100 but was '-0.01'");
        // whole bounds print as integers, others as decimals
        assertThatThrownBy(() -> Fields.doubleIn("2", "FPS", 0.5, 1.5))
                .hasMessage("FPS must be 0.5 to 1.5 but was '2'");
        assertThatThrownBy(() -> Fields.doubleIn("NaN", "FPS", 0.5, 1.5))
                .hasMessage("FPS must be 0.5 to 1.5 but was 'NaN'");
    }

    @Test
    void integersAcceptTheirBoundsAndWholeDecimalsButNoFraction() throws Fields.BadRow {
        assertThat(Fields.integer("3", "N", 3)).isEqualTo(3);
        assertThat(Fields.integer("5", "N", 0, 5)).isEqualTo(5);
        assertThatThrownBy(() -> Fields.integer("2", "N", 3)).hasMessage("N must be >= 3 but was '2'");
        assertThatThrownBy(() -> Fields.integer(" 6 ", "N", 0, 5)).hasMessage("N must be at most 5 but was '6'");
        // pandas writes an integer column holding NaNs as floats
        assertThat(Fields.integer(" 50.0 ", "N", 0)).isEqualTo(50);
        assertThat(Fields.integer("2147483647.0", "N", 0)).isEqualTo(Integer.MAX_VALUE);
        for (String s : new String[] {"50.5", "2147483648.0", "NaN", "x"}) {
            assertThatThrownBy(() -> Fields.integer(s, "N", 0)).hasMessage("N is not an integer: '" + s + "'");
        }
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
