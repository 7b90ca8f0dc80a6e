package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a cache entry's validators allow: a conditional request, an If-Range, and noticing a changed object. */
class ValidatorsTest {
    private static final String DATE = "Wed, 21 Oct 2015 07:28:00 GMT";
    private static final String LATER = "Thu, 22 Oct 2015 07:28:00 GMT";

    @Test
    void onlyValidatorsWithNeitherAnEtagNorADateAreNone() {
        assertThat(Validators.NONE.isNone()).isTrue();
        assertThat(new Validators("\"a\"", null).isNone()).isFalse();
        assertThat(new Validators(null, DATE).isNone()).isFalse();
        assertThat(new Validators("\"a\"", DATE).isNone()).isFalse();
    }

    @Test
    void ifRangeNamesAStrongEtagElseTheDate() {
        assertThat(new Validators("\"a\"", DATE).ifRange()).isEqualTo("\"a\"");
        assertThat(new Validators("W/\"a\"", DATE).ifRange()).isEqualTo(DATE);
        assertThat(new Validators("W/\"a\"", null).ifRange()).isNull();
        assertThat(Validators.NONE.ifRange()).isNull();
    }

    @Test
    void aResponseWithTheSameOrMissingValidatorsIsNoChange() {
        Validators both = new Validators("\"a\"", DATE);
        assertThat(both.changeTo("\"a\"", DATE)).isNull();
        assertThat(both.changeTo(null, null)).isNull();
        assertThat(both.changeTo("\"a\"", null)).isNull();
        assertThat(both.changeTo(null, DATE)).isNull();
        assertThat(Validators.NONE.changeTo("\"b\"", LATER)).isNull();
    }

    @Test
    void aDifferentEtagOrDateIsNamedWithItsOldAndNewValue() {
        Validators both = new Validators("\"a\"", DATE);
        assertThat(both.changeTo("\"b\"", DATE)).isEqualTo("ETag \"a\", now \"b\"");
        assertThat(both.changeTo("\"a\"", LATER)).isEqualTo("Last-Modified " + DATE + ", now " + LATER);
        assertThat(both.changeTo(null, LATER)).isEqualTo("Last-Modified " + DATE + ", now " + LATER);
    }

    @Test
    void aResumeKeyedOnAStrongEtagNeedsThe206ToCarryIt() {
        Validators strong = new Validators("\"a\"", DATE);
        assertThat(strong.resumeChange("\"a\"", DATE)).isNull();
        assertThat(strong.resumeChange(null, DATE)).isEqualTo("ETag \"a\", now none");
        assertThat(strong.resumeChange("\"b\"", DATE)).isEqualTo("ETag \"a\", now \"b\"");
        // A weak ETag or a date alone cannot be required back.
        assertThat(new Validators("W/\"a\"", DATE).resumeChange(null, DATE)).isNull();
        assertThat(new Validators(null, DATE).resumeChange(null, DATE)).isNull();
        assertThat(new Validators(null, DATE).resumeChange(null, LATER))
                .isEqualTo("Last-Modified " + DATE + ", now " + LATER);
    }
}
