package org.etab.bench.gpu;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.Device;
import org.etab.gpu.cuda.DeviceFeeder;
import org.etab.gpu.cuda.Normalization;
import org.etab.gpu.cuda.NormalizeReference;

/**
 * The CUDA feeder's verification on a GPU machine; prints a Markdown table for docs/gpu.md.
 * (1) correctness vs the float64 reference, outputs poisoned with NaN first, and the device path vs the host path
 * on every element of an epoch ({@link HostParity}); (2) raw pinned copy ceiling and upload+normalize rate through
 * {@link DeviceFeeder}, with the feeder's device-time meters ({@link UploadBandwidth}); (3) end to end on a phantom
 * EchoNet set, all cores, as {@code etab bench --device cuda} runs it ({@link EndToEndCheck}); (4) device memory
 * before and after. Each check adds its rows through {@link #row}, in order.
 *
 * <p>usage: {@code GpuCheck [videos=120] [epochs=10] [batch=16]}. Exit 2 when there is no GPU. It lives in module
 * {@code bench} because it writes a phantom dataset, which module {@code gpu} may not know about; {@code
 * bench/check-on-gpu.sh} packs it for a GPU machine.
 */
public final class GpuCheck {
    private static final List<String> ROWS = new ArrayList<>();

    private GpuCheck() {}

    /** Result of the correctness check. */
    public record Correctness(double maxAbsError, long elements) {}

    public static void main(String[] args) throws Exception {
        int videos = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        CudaDevice.Availability a = CudaDevice.probe();
        if (!a.available()) {
            System.out.println("no GPU: " + a.reason());
            System.exit(2);
        }
        try (CudaDevice device = new CudaDevice(0)) {
            row("device", device.name() + ", kernel module load " + fmt(device.moduleLoadMillis()) + " ms");
            long[] mem0 = device.memInfo();
            Correctness c = correctness(device, 4, 7);
            row(
                    "normalize vs float64 reference, 4 layout pairs, NaN-poisoned output (goal < 1e-5)",
                    String.format(
                            Locale.ROOT,
                            "max abs error %.3g over %d values: %s",
                            c.maxAbsError(),
                            c.elements(),
                            c.maxAbsError() < 1e-5 ? "PASS" : "FAIL"));
            hostParity(device);
            UploadBandwidth.measure(device);
            EndToEndCheck.run(device, videos, epochs, batch);
            long[] mem1 = device.memInfo();
            row(
                    "device memory free before / after (cudaMemGetInfo)",
                    mib(mem0[0]) + " / " + mib(mem1[0]) + " MiB of " + mib(mem0[1]) + " (difference "
                            + mib(mem0[0] - mem1[0]) + " MiB)");
        }
        System.out.println();
        System.out.println("| check | result |");
        System.out.println("| --- | --- |");
        ROWS.forEach(System.out::println);
    }

    static void row(String what, String result) {
        String r = "| " + what + " | " + result + " |";
        ROWS.add(r);
        System.err.println(r);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static long mib(long bytes) {
        return bytes >> 20;
    }

    /** Random uint8 batches through copy + kernel on every layout pair, against the float64 reference. */
    public static Correctness correctness(CudaDevice device, int batch, long seed) {
        int c = 3;
        int spatial = 16 * 112 * 112;
        int n = batch * c * spatial;
        byte[] in = new byte[n];
        new Random(seed).nextBytes(in);
        double worst = 0;
        long elements = 0;
        Device.Stream s = device.newStream();
        Device.Buffer din = device.malloc(n);
        Device.Buffer dout = device.malloc(4L * n);
        BytePointer hin = device.hostAlloc(n);
        BytePointer hout = device.hostAlloc(4L * n);
        try {
            hin.position(0).put(in);
            for (Normalization.Layout li : Normalization.Layout.values()) {
                for (Normalization.Layout lo : Normalization.Layout.values()) {
                    Normalization norm = Normalization.imagenet().withInput(li).withOutput(lo);
                    device.fill(dout, 0xFF, 4L * n, s); // NaN
                    device.copyToDevice(hin, din, n, s);
                    device.normalize(din, dout, batch, spatial, norm, s);
                    device.copyToHost(dout, hout, 4L * n, s);
                    device.synchronize(s);
                    float[] got = new float[n];
                    hout.position(0)
                            .capacity(4L * n)
                            .asByteBuffer()
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer()
                            .get(got);
                    double e =
                            NormalizeReference.maxAbsError(got, NormalizeReference.reference(in, batch, spatial, norm));
                    worst = Double.isNaN(e) || Double.isNaN(worst) ? Double.NaN : Math.max(worst, e);
                    elements += n;
                }
            }
        } finally {
            device.hostFree(hin);
            device.hostFree(hout);
            device.free(din);
            device.free(dout);
            device.destroy(s);
        }
        return new Correctness(worst, elements);
    }

    /** {@link HostParity}'s cases on small phantoms, one row each. */
    static void hostParity(Device device) throws IOException {
        Path dir = Files.createTempDirectory("etab-gpucheck-parity-");
        try {
            Map<String, Path> roots = HostParity.phantoms(dir);
            for (HostParity.Case c : HostParity.cases()) {
                row(
                        "device path vs host path, " + c.name(),
                        HostParity.compare(device, roots.get(c.dataset()), c).row());
            }
        } finally {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
