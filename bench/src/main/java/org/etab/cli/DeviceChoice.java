package org.etab.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.function.Supplier;
import org.etab.batch.HostAllocator;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.Device;
import org.etab.gpu.cuda.DeviceFeeder;
import org.etab.gpu.cuda.FeederOptions;
import org.etab.gpu.cuda.Normalization;
import org.etab.gpu.cuda.PinnedAllocator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.SampleOptions;

/**
 * The device a run uses, {@code --device} resolved: {@code auto} becomes {@code cuda} when the CUDA probe finds a
 * GPU (and the samples asked for can be made there), else {@code cpu}; an explicit {@code cuda} that cannot be
 * honoured is an {@link IllegalArgumentException} naming the probe's reason (the CLI prints it as one line).
 * It also sets the run up for that device: the samples and pipeline options the host side needs, the
 * allocator, and which consumer loop runs.
 *
 * <p>Loading: the probe ({@link CudaDevice#probe()}, which never throws) is the only CUDA code reached for
 * {@code auto} without a GPU; {@code cpu} and {@code nd4j} reach none.
 */
final class DeviceChoice {
    private final RunOptions.Device device;
    private final String line;
    private final String brief;
    private final SampleOptions asked;

    private DeviceChoice(RunOptions.Device device, String line, SampleOptions asked) {
        this(device, line, line, asked);
    }

    private DeviceChoice(RunOptions.Device device, String line, String brief, SampleOptions asked) {
        this.device = device;
        this.line = line;
        this.brief = brief;
        this.asked = asked;
    }

    /** Resolves {@code asked} for samples {@code samples}, probing CUDA only for {@code auto} and {@code cuda}. */
    static DeviceChoice resolve(RunOptions.Device asked, SampleOptions samples) {
        return resolve(asked, samples, () -> CudaDevice.probe()); // a lambda, not CudaDevice::probe: nothing loads
        // CudaDevice until the probe runs
    }

    static DeviceChoice resolve(
            RunOptions.Device asked, SampleOptions samples, Supplier<CudaDevice.Availability> probe) {
        switch (asked) {
            case CPU, ND4J -> {
                return new DeviceChoice(asked, "device " + asked.name().toLowerCase(Locale.ROOT), samples);
            }
            case CUDA -> {
                String why = DeviceFeeder.unsupported(samples);
                if (why != null) {
                    throw new IllegalArgumentException("--device cuda: " + why + "; use --device cpu or nd4j");
                }
                CudaDevice.Availability a = probe.get();
                if (!a.available()) {
                    throw new IllegalArgumentException(
                            "--device cuda: no usable GPU here: " + a.reason() + " (--device auto falls back to cpu)");
                }
                return new DeviceChoice(RunOptions.Device.CUDA, "device cuda (" + a.reason() + ")", samples);
            }
            default -> {
                String why = DeviceFeeder.unsupported(samples);
                if (why != null) {
                    return new DeviceChoice(RunOptions.Device.CPU, "device auto -> cpu (" + why + ")", samples);
                }
                CudaDevice.Availability a = probe.get();
                return a.available()
                        ? new DeviceChoice(RunOptions.Device.CUDA, "device auto -> cuda (" + a.reason() + ")", samples)
                        // the probe's reason runs to a few lines of linker text: only on request
                        : new DeviceChoice(
                                RunOptions.Device.CPU,
                                "device auto -> cpu (no CUDA: " + a.reason() + ")",
                                "device auto -> cpu (no usable GPU; details: --verbose)",
                                samples);
            }
        }
    }

    /** cpu, nd4j or cuda (never auto). */
    RunOptions.Device device() {
        return device;
    }

    /** What was chosen and why, e.g. {@code device auto -> cpu (no CUDA: ...)}. */
    String line() {
        return line;
    }

    /**
     * The line to print: {@link #line()} when {@code verbose}; otherwise the same, except that a fallback to cpu
     * leaves out the probe's reason ({@code device auto -> cpu (no usable GPU; details: --verbose)}).
     */
    String line(boolean verbose) {
        return verbose ? line : brief;
    }

    boolean cuda() {
        return device == RunOptions.Device.CUDA;
    }

    /** The samples the pipeline decodes: as asked, or uint8 raw pixels for the device to normalize. */
    SampleOptions samples() {
        return cuda() ? DeviceFeeder.hostSamples(asked) : asked;
    }

    /** The feeder's options (cuda only): the normalization the host would have applied. */
    FeederOptions feederOptions() {
        return FeederOptions.builder()
                .normalization(Normalization.matching(asked))
                .build();
    }

    /** The pipeline options: as given, or with room for the batches the feeder's ring holds. */
    PipelineOptions pipelineOptions(PipelineOptions options) {
        return cuda() ? feederOptions().pipelineOptions(options) : options;
    }

    /** GPU 0 for cuda (the caller closes it after the pipeline), else null. */
    Device open() {
        return cuda() ? CudaBench.open() : null;
    }

    /** Where the pipeline collates batches: pinned memory of {@code gpu}, or plain native memory. */
    static HostAllocator allocator(Device gpu) {
        return gpu != null ? new PinnedAllocator(gpu) : HostAllocator.NATIVE;
    }

    /**
     * Runs the epochs on the chosen device ({@code gpu}: what {@link #open()} gave, or a test's device); the
     * summary's device line says when {@code auto} chose it, pointing at {@link #line()} (printed before the run)
     * for a fallback's reason.
     */
    BenchRunner.Result run(
            Pipeline pipeline,
            Device gpu,
            MeterRegistry registry,
            int firstEpoch,
            int lastEpoch,
            long startAt,
            boolean showProgress,
            RunRecorder recorder,
            boolean perEpoch) {
        BenchRunner.Result r = cuda()
                ? CudaBench.run(
                        pipeline,
                        gpu,
                        feederOptions(),
                        registry,
                        firstEpoch,
                        lastEpoch,
                        startAt,
                        showProgress,
                        recorder,
                        perEpoch)
                : BenchRunner.run(pipeline, firstEpoch, lastEpoch, startAt, device, showProgress, recorder, perEpoch);
        if (!line.startsWith("device auto")) {
            return r;
        }
        return r.withDevice(r.device() + ", by --device auto" + (cuda() ? "" : " (why not cuda: above)"));
    }
}
