package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EtabViewsTest {

    @Test
    void everyEtabSpellingMapsToTheDatasetsName() {
        for (String v : new String[] {"A4CH", "AP4CH", "A4", "4CH", "a4ch", " 4ch ", "A4C"}) {
            assertThat(EtabViews.canonical(v)).as(v).isEqualTo("AP4CH");
        }
        for (String v : new String[] {"A2CH", "AP2CH", "A2", "2CH", "a2", "A2C"}) {
            assertThat(EtabViews.canonical(v)).as(v).isEqualTo("AP2CH");
        }
        assertThat(EtabViews.canonical("PL")).isEqualTo("PLAX");
        assertThat(EtabViews.canonical("ps")).isEqualTo("PSAX");
        assertThat(EtabViews.canonical("pl+ps")).isEqualTo("PLAX+PSAX");
    }

    @Test
    void otherNamesAndNullAreKept() {
        assertThat(EtabViews.canonical(null)).isNull();
        assertThat(EtabViews.canonical("all")).isEqualTo("all");
        assertThat(EtabViews.canonical("both")).isEqualTo("both");
        assertThat(EtabViews.canonical("A5CH")).isEqualTo("A5CH");
    }
}
