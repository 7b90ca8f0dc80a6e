package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.batch.SampleInfo;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.sampling.Sharding;
import org.etab.source.SampleFailure;
import org.etab.source.Stage;
import org.junit.jupiter.api.Test;

class ResumeAndShardTest {

    private static Pipeline pipeline(PipelineOptions o) {
        return new Pipeline(
                new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(21, true)),
                o,
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE);
    }

    /** id, frames and a checksum of the bytes of every sample, in delivery order. */
    private static List<String> samples(Iterable<Batch> batches, List<Long> resumePoints) {
        List<String> out = new ArrayList<>();
        for (Batch b : batches) {
            try (b) {
                for (int i = 0; i < b.size(); i++) {
                    CRC32 crc = new CRC32();
                    crc.update(b.features().slotBytes(i));
                    SampleInfo s = b.samples().get(i);
                    out.add(s.id() + "@" + s.sourceFrames()[0] + (s.repeat() ? "(repeat)" : "") + ":" + crc.getValue());
                }
                resumePoints.add(b.nextPosition());
            }
        }
        return out;
    }

    @Test
    void interruptedAndResumedEqualsUninterrupted() {
        PipelineOptions o = PipelineFixtures.options(3, 2);
        List<String> whole;
        List<Long> points = new ArrayList<>();
        try (Pipeline p = pipeline(o)) {
            whole = samples(p.batches(1).toIterable(1), points);
        }
        assertThat(whole).hasSize(12);
        assertThat(points).containsExactly(3L, 6L, 9L, 12L);

        // stop after two batches (a consumer saving its checkpoint), then a new process resumes
        List<String> first;
        long saved;
        try (Pipeline p = pipeline(o)) {
            List<Long> seen = new ArrayList<>();
            first = samples(p.batches(1).take(2).toIterable(1), seen);
            saved = seen.get(seen.size() - 1);
        }
        List<String> rest;
        try (Pipeline p = pipeline(o.toBuilder().threads(1).build())) { // any thread count
            rest = samples(p.batches(1, saved).toIterable(1), new ArrayList<>());
            assertThat(p.account().planned()).isEqualTo(12 - saved);
        }
        List<String> resumed = new ArrayList<>(first);
        resumed.addAll(rest);
        assertThat(resumed).isEqualTo(whole);
    }

    @Test
    void ranksShareTheEpochWithoutOverlapAndPadWithFlaggedRepeats() {
        int world = 5; // 12 samples: 3 per rank, 3 repeats in total
        Set<String> fresh = new HashSet<>();
        int repeats = 0;
        for (int rank = 0; rank < world; rank++) {
            try (Pipeline p = pipeline(PipelineFixtures.options(2, 2).toBuilder()
                    .sharding(new Sharding(rank, world, false))
                    .build())) {
                List<String> mine = samples(p.batches(0).toIterable(1), new ArrayList<>());
                assertThat(mine).hasSize(3);
                for (String s : mine) {
                    if (s.contains("(repeat)")) {
                        repeats++;
                    } else {
                        assertThat(fresh.add(s.substring(0, s.indexOf('@'))))
                                .as(s)
                                .isTrue();
                    }
                }
            }
        }
        assertThat(fresh).hasSize(12);
        assertThat(repeats).isEqualTo(3);
    }

    @Test
    void aSampleOverItsDeadlineIsAReportedTimeout() {
        try (Pipeline p = pipeline(PipelineFixtures.options(4, 2).toBuilder()
                .sampleTimeout(Duration.ofNanos(1))
                .build())) {
            p.batches(0).doOnNext(Batch::close).blockLast();
            assertThat(p.account().delivered()).isZero();
            assertThat(p.account().failed()).isEqualTo(12);
            SampleFailure f = p.account().failures().get(0);
            assertThat(f.stage()).isEqualTo(Stage.TIMEOUT);
            assertThat(f.reason()).contains(".avi").contains("timed out");
        }
    }
}
