package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CUDA classes stay unloaded unless asked for: {@code etab bench --device cpu} in a fresh JVM loads no class of
 * {@code org.bytedeco.cuda} and not {@link CudaDevice}; {@code --device auto} reaches CUDA only through the probe.
 * Run as a child process with {@code -Xlog:class+load}, since this test JVM has loaded CUDA classes already.
 */
class LazyCudaLoadingTest {

    /**
     * Classes that touch CUDA: JavaCPP's CUDA presets, and CudaDevice with its nested classes apart from the plain
     * Availability record (the verifier of DeviceChoice may load that one; it references no CUDA class).
     */
    static final java.util.regex.Pattern CUDA = java.util.regex.Pattern.compile(
            " (org\\.bytedeco\\.cuda\\.\\S+|org\\.etab\\.gpu\\.cuda\\.CudaDevice(\\$(?!Availability )\\S+)?) source:");

    /** Exit code and output of a child etab, and its loaded classes that touch CUDA. */
    record Child(int code, String out, List<String> loaded) {}

    static Child bench(Path tmp, String device) throws IOException, InterruptedException {
        Path log = tmp.resolve(device + "-classes.log");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                cp,
                "org.etab.cli.Etab",
                "bench",
                "--root",
                PhantomDatasets.echonet().toString(),
                "--split",
                "all",
                "--clip-length",
                "4",
                "--frame-size",
                "32x32",
                "--threads",
                "2",
                "--device",
                device,
                "--quiet"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        List<String> cuda = Files.readAllLines(log).stream()
                .filter(l -> CUDA.matcher(l).find())
                .toList();
        return new Child(p.exitValue(), out, cuda);
    }

    @Test
    void cpuLoadsNoCudaClassAndAutoOnlyThroughTheProbe(@TempDir Path tmp) throws Exception {
        Child cpu = bench(tmp, "cpu");
        assertThat(cpu.code()).as(cpu.out()).isZero();
        assertThat(cpu.out()).contains("RESULT planned=12 delivered=12 failed=0 ");
        assertThat(cpu.loaded()).isEmpty();

        Child auto = bench(tmp, "auto");
        assertThat(auto.code()).as(auto.out()).isZero();
        assertThat(auto.out()).contains("RESULT planned=12 delivered=12 failed=0 ");
        assertThat(auto.loaded()).anyMatch(l -> l.contains(" org.etab.gpu.cuda.CudaDevice source:")); // the probe
        if (!CudaDevice.available()) {
            // no GPU: nothing beyond what the probe touched, i.e. no stream, event or feeder class of the device
            assertThat(auto.loaded())
                    .noneMatch(l -> l.contains("CudaDevice$CudaStream")
                            || l.contains("CudaDevice$CudaEvent")
                            || l.contains("CUstream_st"));
        }
    }
}
