package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.etab.source.IndexProblem;
import org.etab.source.SampleFailure;
import org.etab.source.Stage;
import org.junit.jupiter.api.Test;

class RunAccountTest {

    private static SampleFailure failure(int n) {
        return new SampleFailure("s" + n, "s" + n + ".avi", Stage.DECODE, "bad", 0, n, false);
    }

    @Test
    void countsWhatWasPlannedDeliveredFailedAndRejectedWithTheDeliveredFrames() {
        List<IndexProblem> rejected =
                List.of(new IndexProblem("a", "a.avi", "no such file"), new IndexProblem("b", "b.avi", "no ED"));
        RunAccount account = new RunAccount(rejected);
        account.planned(5);
        account.delivered(3);
        account.delivered(4);
        account.failed(failure(2));
        assertThat(account.planned()).isEqualTo(5);
        assertThat(account.delivered()).isEqualTo(2);
        assertThat(account.frames()).isEqualTo(7);
        assertThat(account.failed()).isEqualTo(1);
        assertThat(account.rejected()).isEqualTo(2);
        assertThat(account.rejections()).isEqualTo(rejected);
        assertThat(account).hasToString("planned=5 delivered=2 failed=1 rejected=2");
        assertThat(new RunAccount()).hasToString("planned=0 delivered=0 failed=0 rejected=0");
    }

    @Test
    void everyFailureIsCountedButOnlyTheFirstTenThousandKept() {
        RunAccount account = new RunAccount();
        for (int i = 0; i <= RunAccount.KEPT; i++) {
            account.failed(failure(i));
        }
        assertThat(account.failed()).isEqualTo(RunAccount.KEPT + 1L);
        List<SampleFailure> kept = account.failures();
        assertThat(kept).hasSize(RunAccount.KEPT);
        assertThat(kept.get(0).id()).isEqualTo("s0");
        assertThat(kept.get(RunAccount.KEPT - 1).id()).isEqualTo("s" + (RunAccount.KEPT - 1));
    }
}
