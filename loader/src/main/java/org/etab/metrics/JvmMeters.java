package org.etab.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.util.IdentityHashMap;
import java.util.Map;
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
 * <p>Binding one registry twice (two pipelines or jobs in one process sharing it) is safe: Micrometer keeps one of
 * each meter, and the GC listener, which would record every pause once per binding into the same
 * {@code jvm.gc.pause} timer, is added once per registry and removed when its last binding closes.
 *
 * <p>Threading: bind and close from any thread. Ownership: the meters stay in the registry after {@link #close()},
 * which only stops the GC notifications once no other binding of the registry is open (remove the meters with the
 * registry).
 */
public final class JvmMeters implements AutoCloseable {
    /**
     * The GC listener of each registry with an open binding, and how many bindings share it. By identity: a
     * registry is one object, whatever its equals says. Not weak: the listener holds its registry anyway, until
     * the last binding closes and the entry goes.
     */
    private static final Map<MeterRegistry, SharedGc> GC = new IdentityHashMap<>(); // guarded by GC

    private static final class SharedGc {
        final JvmGcMetrics metrics;
        int bindings;

        SharedGc(JvmGcMetrics metrics) {
            this.metrics = metrics;
        }
    }

    private final MeterRegistry registry;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JvmMeters(MeterRegistry registry) {
        this.registry = registry;
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
        synchronized (GC) {
            SharedGc shared = GC.get(registry);
            if (shared == null) {
                JvmGcMetrics gc = new JvmGcMetrics();
                gc.bindTo(registry);
                shared = new SharedGc(gc);
                GC.put(registry, shared);
            }
            shared.bindings++;
        }
        return new JvmMeters(registry);
    }

    /** Stops the GC notifications unless another binding of the registry is still open; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (GC) {
                SharedGc shared = GC.get(registry);
                if (--shared.bindings == 0) {
                    GC.remove(registry);
                    shared.metrics.close();
                }
            }
        }
    }
}
