package org.etab.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The process's own meters beside the pipeline's, for the "Process" row of {@code config/grafana/etab-dashboard.json}:
 * Micrometer's binders for CPU ({@link ProcessorMetrics}), memory ({@link JvmMemoryMetrics}), GC pauses
 * ({@link JvmGcMetrics}), threads ({@link JvmThreadMetrics}), loaded classes ({@link ClassLoaderMetrics}) and the JIT's
 * compile time ({@link JvmCompilationMetrics}, which shows a fresh process's first epoch compiling). The pipeline never
 * binds them itself: the registry is the caller's, and frameworks such as Spring Boot bind their own. {@code etab
 * bench --metrics-port} and {@code etab demo --metrics-port} do.
 *
 * <pre>{@code
 * try (JvmMeters jvm = JvmMeters.bindTo(registry)) {
 *     // train; the registry now also holds jvm.*, process.* and system.* meters
 * }
 * }</pre>
 *
 * <p>Threading: bind from any thread. Ownership: the meters stay in the registry after {@link #close()}, which only
 * stops the GC notifications (remove the meters with the registry).
 */
public final class JvmMeters implements AutoCloseable {
    private final JvmGcMetrics gc;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JvmMeters(JvmGcMetrics gc) {
        this.gc = gc;
    }

    /**
     * Binds the JVM's and the process's meters to {@code registry}.
     *
     * @param registry the registry a dashboard reads (e.g. the one a {@link MetricsServer} serves)
     * @return the binding, to close when the registry is done with
     */
    public static JvmMeters bindTo(MeterRegistry registry) {
        new ProcessorMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmCompilationMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new JvmMeters(gc);
    }

    /** Stops the GC notifications; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            gc.close();
        }
    }
}
