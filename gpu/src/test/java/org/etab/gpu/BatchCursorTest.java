package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

class BatchCursorTest {
    private static Batch batch(BatchPool pool, long index) {
        return new Batch(index, List.of(new SampleInfo("s" + index, 0, index, new int[] {0}, 1)), pool.acquire(), pool);
    }

    private static BatchPool pool() {
        return new BatchPool(new TensorSpec(DType.FLOAT32, 2), new TensorSpec(DType.FLOAT32, 1), 1, 4);
    }

    @Test
    void deliversInOrderOneRequestAtATimeThenEnds() {
        try (BatchPool pool = pool()) {
            List<Long> requests = new CopyOnWriteArrayList<>();
            AtomicInteger waits = new AtomicInteger();
            Flux<Batch> stream = Flux.range(0, 3).map(i -> batch(pool, i)).doOnRequest(requests::add);
            BatchCursor cursor = new BatchCursor(stream, nanos -> waits.incrementAndGet());
            for (long i = 0; i < 3; i++) {
                assertThat(cursor.advance()).isTrue();
                assertThat(cursor.advance()).isTrue(); // asking again requests nothing more
                try (Batch b = cursor.take()) {
                    assertThat(b.index()).isEqualTo(i);
                }
            }
            assertThat(cursor.advance()).isFalse();
            assertThat(requests).containsOnly(1L);
            assertThat(requests).hasSize(3); // one per batch (range completes with its last item)
            assertThat(waits.get()).isEqualTo(7);
            assertThat(pool.outstanding()).isZero();
            assertThatThrownBy(cursor::take).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closeCancelsTheStreamAndClosesTheBatchNotTaken() {
        try (BatchPool pool = pool()) {
            AtomicBoolean cancelled = new AtomicBoolean();
            Flux<Batch> stream = Flux.range(0, 100).map(i -> batch(pool, i)).doOnCancel(() -> cancelled.set(true))
                    .subscribeOn(Schedulers.single()); // delivered on another thread, like the pipeline
            BatchCursor cursor = new BatchCursor(stream, nanos -> { });
            assertThat(cursor.advance()).isTrue();
            Batch taken = cursor.take();
            assertThat(cursor.advance()).isTrue(); // batch 1 ready, not taken
            cursor.close();
            cursor.close();
            assertThat(cancelled).isTrue();
            assertThat(pool.outstanding()).isEqualTo(1); // only the one taken
            taken.close();
            assertThat(pool.outstanding()).isZero();
            assertThatThrownBy(cursor::advance).hasMessageContaining("closed");
        }
    }

    @Test
    void anErrorComesAfterTheBatchesBeforeIt() {
        try (BatchPool pool = pool()) {
            Flux<Batch> stream = Flux.concat(Flux.range(0, 1).map(i -> batch(pool, i)),
                    Flux.error(new IllegalStateException("sample x failed")));
            BatchCursor cursor = new BatchCursor(stream, nanos -> { });
            assertThat(cursor.advance()).isTrue();
            cursor.take().close();
            assertThatThrownBy(cursor::advance).isInstanceOf(IllegalStateException.class)
                    .hasMessage("sample x failed");
            assertThat(pool.outstanding()).isZero();
        }
    }
}
