package org.etab.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import org.etab.batch.DType;
import org.etab.decode.DecodeStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every benchmark method once, outside JMH (setup, one invocation, teardown), so that a broken benchmark fails the
 * build rather than the next measurement. No timings are asserted.
 */
class BenchmarksTest {

    @Test
    void decodeBenchmarksDeliverTheSameClipEveryWay() {
        DecodeBenchmark bench = new DecodeBenchmark();
        DecodeBenchmark.Fixture fixture = new DecodeBenchmark.Fixture();
        fixture.setUp();
        try {
            DecodeBenchmark.Frames counters = new DecodeBenchmark.Frames();
            counters.reset();
            for (int n : new int[] {1, 8, 32}) {
                DecodeBenchmark.Needed needed = needed(fixture, n);
                DecodeStats stats = bench.decodeNeeded(fixture, needed, counters);
                assertThat(stats.delivered()).isEqualTo(n);
                assertThat(stats.framesDecoded())
                        .as("only the needed frames are decoded")
                        .isEqualTo(n);
                assertThat(stats.packetsSkipped()).isEqualTo(needed.frames[0][0] + n - 1);
            }
            assertThat(counters.kept).isEqualTo(1 + 8 + 32);

            // request 0 of Clip32 is the clip of request 0 of Needed n=32: the same frames, whichever way decoded
            DecodeBenchmark.Needed needed32 = needed(fixture, 32);
            bench.decodeNeeded(fixture, needed32, counters);
            int start = needed32.frames[0][0];
            assertThat(needed32.frames[0]).containsExactly(DecodeBenchmark.everyStep(start, 32));

            DecodeBenchmark.Clip32 upToLast = new DecodeBenchmark.Clip32();
            upToLast.plan(fixture);
            assertThat(upToLast.starts[0]).isEqualTo(start);
            counters.reset();
            DecodeStats all = bench.clip32DecodeAllUpToLast(fixture, upToLast, counters);
            assertThat(counters.kept).isEqualTo(32);
            assertThat(all.framesDecoded()).isEqualTo(start + 63);
            assertThat(upToLast.sink.checksum).isEqualTo(needed32.sink.checksum);

            DecodeBenchmark.Clip32 whole = new DecodeBenchmark.Clip32();
            whole.plan(fixture);
            counters.reset();
            DecodeStats video = bench.clip32DecodeWholeVideo(fixture, whole, counters);
            assertThat(counters.kept).isEqualTo(32);
            assertThat(video.framesDecoded()).isEqualTo(fixture.videos.get(0).frames());
            assertThat(whole.sink.checksum).isEqualTo(needed32.sink.checksum);
        } finally {
            fixture.tearDown();
        }
        assertThat(fixture.phantom.root()).doesNotExist();
    }

    private static DecodeBenchmark.Needed needed(DecodeBenchmark.Fixture fixture, int n) {
        DecodeBenchmark.Needed needed = new DecodeBenchmark.Needed();
        needed.n = n;
        needed.plan(fixture);
        return needed;
    }

    @Test
    void transformBenchmarksWriteTheFrameIntoItsSlot() {
        TransformBenchmark bench = new TransformBenchmark();
        for (String shape : new String[] {"identity112", "up112to224", "down600x800to224"}) {
            TransformBenchmark.Frame f = new TransformBenchmark.Frame();
            f.shape = shape;
            f.setUp();
            FloatBuffer floats = bench.writeFloat(f); // frame t = 0
            int plane = f.height * f.width;
            for (int c = 0; c < 3; c++) {
                float v = floats.get(c * TransformBenchmark.CLIP * plane);
                if (shape.equals("identity112")) {
                    assertThat(v).isEqualTo(f.floats.value(f.gray[0] & 0xff, c));
                } else {
                    // (0/255 - mean) / std .. (1 - mean) / std for ImageNet's means and stds
                    assertThat(v).isBetween(-2.2f, 2.7f);
                }
            }
            ByteBuffer bytes = bench.writeBytes(f); // frame t = 1
            if (shape.equals("identity112")) {
                for (int c = 0; c < 3; c++) {
                    assertThat(bytes.get(c * TransformBenchmark.CLIP * plane + plane))
                            .isEqualTo(f.gray[0]);
                }
            }
            assertThat(f.t).isEqualTo(2);
        }
        assertThat(TransformBenchmark.outputBytes(112, 112, DType.FLOAT32)).isEqualTo(150_528);
    }

    @Test
    void thePlaneBenchmarkWritesWhatTheArrayBenchmarkWrites() {
        TransformBenchmark bench = new TransformBenchmark();
        TransformBenchmark.Plane p = new TransformBenchmark.Plane();
        p.setUp();
        TransformBenchmark.Frame byArray = new TransformBenchmark.Frame();
        byArray.shape = "identity112";
        byArray.setUp();
        try {
            for (int frame = 0; frame < 3; frame++) {
                bench.writeFloatFromPlane(p);
                bench.writeFloat(byArray);
            }
            int written = 3 * TransformBenchmark.CLIP * byArray.plane;
            for (int i = 0; i < written; i++) {
                assertThat(p.frame.floatBuffer.get(i)).as("element %d", i).isEqualTo(byArray.floatBuffer.get(i));
            }
            assertThat(p.frame.floatBuffer.get(3 * byArray.plane))
                    .as("frame 3 not written")
                    .isZero();
        } finally {
            p.tearDown();
        }
    }

    @Test
    void maskBenchmarkRasterizesAnLvCavity() {
        MaskBenchmark bench = new MaskBenchmark();
        bench.setUp();
        assertThat(bench.tracing.rows()).isEqualTo(21);
        byte[] mask = bench.rasterize();
        int inside = 0;
        for (byte b : mask) {
            assertThat(b).isIn((byte) 0, (byte) 1);
            inside += b;
        }
        // an LV cavity: a few hundred to a few thousand of the 12,544 pixels
        assertThat(inside).isBetween(200, 6000);
    }

    @Test
    void batchBenchmarkStreamsOneEpoch() {
        BatchBenchmark bench = new BatchBenchmark();
        bench.threads = 2;
        bench.setUp();
        try {
            double checksum = bench.epoch(); // throws unless all 80 clips were delivered
            assertThat(checksum).isFinite();
            assertThat(bench.pipeline.account().delivered()).isEqualTo(BatchBenchmark.SAMPLES);
            assertThat(bench.pipeline.account().failed()).isZero();
        } finally {
            bench.tearDown();
        }
        assertThat(bench.phantom.root()).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource({"echonet, 50", "camus, 25"})
    void everyWayOpensTheSameFilesInTurn(String dataset, int files) throws Exception {
        FileOpenBenchmark bench = new FileOpenBenchmark();
        FileOpenBenchmark.FileCycle v = new FileOpenBenchmark.FileCycle();
        v.dataset = dataset;
        v.setUp();
        try {
            int n = v.paths.size();
            assertThat(n).isEqualTo(files);
            assertThat(v.paths.stream().map(Path::getParent).distinct().count())
                    .isEqualTo(dataset.equals("camus") ? files : 1);
            for (int i = 0; i < n + 2; i++) {
                long size = java.nio.file.Files.size(v.paths.get(i % n));
                v.next = i % n;
                long checked = bench.checkedOpen(v);
                v.next = i % n;
                long opened = bench.datasetFilesOpen(v);
                v.next = i % n;
                long kept = bench.directoryOpener(v);
                v.next = i % n;
                long plain = bench.plainOpen(v);
                assertThat(List.of(checked, opened, kept, plain)).containsOnly(size);
                assertThat(v.next).isEqualTo((i + 1) % n); // each call takes the next video
            }
        } finally {
            v.tearDown();
        }
        assertThat(v.root).doesNotExist();
    }
}
