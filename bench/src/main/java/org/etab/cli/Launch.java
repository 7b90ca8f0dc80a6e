package org.etab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this process and installation. */
final class Launch {
    private Launch() {}

    /** The installation directory (set by the {@code ./etab} launcher), else the working directory. */
    static Path home() {
        String h = System.getProperty("etab.home");
        return Path.of(h != null ? h : ".").toAbsolutePath().normalize();
    }

    /** Peak resident memory of this process in MiB (Linux VmHWM), or -1 where unknown. */
    static long peakRssMb() {
        return status("VmHWM:");
    }

    /** Resident memory of this process now, in MiB (Linux VmRSS), or -1 where unknown. */
    static long rssMb() {
        return status("VmRSS:");
    }

    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** True when progress bars make sense: a terminal on stderr and not asked to be quiet. */
    static boolean interactive(boolean quiet) {
        return !quiet && System.console() != null;
    }
}
