package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecordLabelsTest {
    private record Rec(float ef, int es, int ed, int view) {}

    @Test
    void offersTheTargetsWhoseValuesWereSetAndEveryMask() {
        RecordLabels<Rec> efOnly = RecordLabels.<Rec>builder().ef(Rec::ef).build();
        assertThat(efOnly.offers(Target.EF)).isTrue();
        assertThat(efOnly.offers(Target.CM)).isTrue();
        assertThat(efOnly.offers(Target.ES_ED)).isFalse();
        assertThat(efOnly.offers(Target.VIEW)).isFalse();
        assertThat(efOnly.offers(Target.AS)).isFalse();
        for (Target mask : new Target[] {Target.LV_SEG, Target.MY_SEG, Target.LA_SEG}) {
            assertThat(efOnly.offers(mask)).isTrue();
            assertThat(RecordLabels.<Rec>builder().build().offers(mask)).isTrue();
        }
        RecordLabels<Rec> all = RecordLabels.<Rec>builder()
                .ef(Rec::ef)
                .esEd(Rec::es, Rec::ed)
                .classIndex(Rec::view)
                .build();
        for (Target t : Target.values()) {
            assertThat(all.offers(t)).as(t.etabName()).isTrue();
        }
    }

    @Test
    void readsTheRecordsValuesExactly() {
        RecordLabels<Rec> labels = RecordLabels.<Rec>builder()
                .ef(Rec::ef)
                .esEd(Rec::es, Rec::ed)
                .classIndex(Rec::view)
                .build();
        Rec r = new Rec(49.999996f, 3, 41, 1);
        assertThat(labels.ef(r)).isEqualTo(49.999996f); // float -> double -> float is exact
        assertThat(labels.es(r)).isEqualTo(3);
        assertThat(labels.ed(r)).isEqualTo(41);
        assertThat(labels.classIndex(r)).isEqualTo(1);
    }

    @Test
    void nullFunctionsAreRefusedWhereTheyAreSet() {
        assertThatThrownBy(() -> RecordLabels.<Rec>builder().ef(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("ef");
        assertThatThrownBy(() -> RecordLabels.<Rec>builder().esEd(Rec::es, null))
                .hasMessage("ed");
    }
}
