package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.etab.batch.DType;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;

/** --device resolved against a probe that says yes or no (no GPU needed). */
class DeviceChoiceTest {
    static final SampleOptions W1 = SampleOptions.builder()
            .target(Target.EF)
            .clipLength(32)
            .fps(25)
            .padding(true)
            .clipStart(ClipStart.RANDOM)
            .frameSize(112, 112)
            .channels(3)
            .normalize(true)
            .dtype(DType.FLOAT32)
            .seed(42)
            .shuffle(true)
            .build();
    static final SampleOptions RAW = SampleOptions.builder()
            .target(Target.EF)
            .clip(W1.clip())
            .frameSize(112, 112)
            .channels(3)
            .normalize(false)
            .dtype(DType.UINT8)
            .seed(42)
            .shuffle(true)
            .build();

    final AtomicInteger probes = new AtomicInteger();

    Supplier<CudaDevice.Availability> probe(boolean available, String reason) {
        return () -> {
            probes.incrementAndGet();
            return new CudaDevice.Availability(available, reason);
        };
    }

    @Test
    void autoTakesTheGpuWhenTheProbeFindsOne() {
        DeviceChoice c = DeviceChoice.resolve(RunOptions.Device.AUTO, W1, probe(true, "1 GPU(s)"));
        assertThat(c.device()).isEqualTo(RunOptions.Device.CUDA);
        assertThat(c.line()).isEqualTo("device auto -> cuda (1 GPU(s))");
        assertThat(c.line(false)).isEqualTo(c.line()).isEqualTo(c.line(true));
        assertThat(c.samples().dtype()).isEqualTo(DType.UINT8);
        assertThat(c.samples().normalize()).isFalse();
        assertThat(c.feederOptions().normalization().mean()).containsExactly(0.485, 0.456, 0.406);
        PipelineOptions po = PipelineOptions.builder().build();
        assertThat(c.pipelineOptions(po).consumerHeld())
                .isEqualTo(c.feederOptions().slots() + 2);
        assertThat(DeviceChoice.allocator(null)).isSameAs(org.etab.batch.HostAllocator.NATIVE);
    }

    @Test
    void autoFallsBackToCpuAndSaysWhy() {
        DeviceChoice c = DeviceChoice.resolve(RunOptions.Device.AUTO, W1, probe(false, "no libcuda.so.1"));
        assertThat(c.device()).isEqualTo(RunOptions.Device.CPU);
        assertThat(c.line()).isEqualTo("device auto -> cpu (no CUDA: no libcuda.so.1)");
        assertThat(c.line(true)).isEqualTo(c.line());
        assertThat(c.line(false)).isEqualTo("device auto -> cpu (no usable GPU; details: --verbose)");
        assertThat(c.samples()).isSameAs(W1);
        PipelineOptions po = PipelineOptions.builder().build();
        assertThat(c.pipelineOptions(po)).isSameAs(po);
        assertThat(c.open()).isNull();
    }

    @Test
    void autoKeepsRawPixelsOnTheHostWithoutProbing() {
        DeviceChoice c = DeviceChoice.resolve(RunOptions.Device.AUTO, RAW, probe(true, "1 GPU(s)"));
        assertThat(c.device()).isEqualTo(RunOptions.Device.CPU);
        assertThat(c.line()).startsWith("device auto -> cpu (").contains("uint8 samples were asked for");
        assertThat(c.line(false)).isEqualTo(c.line()); // not the probe's reason: short, and said without --verbose
        assertThat(probes).hasValue(0);
    }

    @Test
    void explicitCudaWithoutAGpuNamesTheProbesReason() {
        assertThatThrownBy(() -> DeviceChoice.resolve(RunOptions.Device.CUDA, W1, probe(false, "no libcuda.so.1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--device cuda: no usable GPU here: no libcuda.so.1 (--device auto falls back to cpu)");
        assertThatThrownBy(() -> DeviceChoice.resolve(RunOptions.Device.CUDA, RAW, probe(true, "1 GPU(s)")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--device cuda: ")
                .hasMessageContaining("uint8");
        DeviceChoice c = DeviceChoice.resolve(RunOptions.Device.CUDA, W1, probe(true, "1 GPU(s)"));
        assertThat(c.cuda()).isTrue();
        assertThat(c.line()).isEqualTo("device cuda (1 GPU(s))");
        assertThat(c.line(false)).isEqualTo(c.line());
    }

    @Test
    void cpuAndNd4jNeverProbe() {
        assertThat(DeviceChoice.resolve(RunOptions.Device.CPU, W1, probe(true, "x"))
                        .line())
                .isEqualTo("device cpu");
        assertThat(DeviceChoice.resolve(RunOptions.Device.ND4J, W1, probe(true, "x"))
                        .device())
                .isEqualTo(RunOptions.Device.ND4J);
        assertThat(probes).hasValue(0);
    }

    @Test
    void parseNamesTheChoices() {
        assertThat(RunOptions.Device.parse(" CUDA ")).isEqualTo(RunOptions.Device.CUDA);
        assertThat(RunOptions.Device.parse("auto")).isEqualTo(RunOptions.Device.AUTO);
        assertThatThrownBy(() -> RunOptions.Device.parse("gpu"))
                .hasMessage("--device must be auto, cpu, nd4j or cuda but was 'gpu'");
    }
}
