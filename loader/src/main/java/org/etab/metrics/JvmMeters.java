package org.etab.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Binding one registry twice (two pipelines or jobs in one process sharing it) is safe: the meters are registered
 * once per registry while a binding of it is open, so the GC listener, which would record every pause once per
 * binding into the same {@code jvm.gc.pause} timer, is added once.
 *
 * <p>Threading: bind and close from any thread. Ownership: when a registry's last binding closes, the GC
 * notifications stop and the meters its first binding registered are removed (those the registry held already, a
 * framework's own, stay; so do the GC timers made as pauses came, which stop counting); binding it again registers
 * them anew.
 */
public final class JvmMeters implements AutoCloseable {
    /**
     * The open bindings of each registry. By identity: a registry is one object, whatever its equals says. Not weak:
     * the GC listener holds its registry anyway, until the last binding closes and the entry goes.
     */
    private static final Map<MeterRegistry, Shared> BOUND = new IdentityHashMap<>(); // guarded by BOUND

    /** What the first binding of a registry registered, and how many bindings share it. */
    private static final class Shared {
        final JvmGcMetrics gc;
        final List<Meter> registered;
        int bindings;

        Shared(JvmGcMetrics gc, List<Meter> registered) {
            this.gc = gc;
            this.registered = registered;
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
        synchronized (BOUND) {
            Shared shared = BOUND.get(registry);
            if (shared == null) {
                // once per registry: registering each gauge again would only make Micrometer warn
                Set<Meter> before = Collections.newSetFromMap(new IdentityHashMap<>());
                before.addAll(registry.getMeters());
                new ProcessorMetrics().bindTo(registry);
                new JvmMemoryMetrics().bindTo(registry);
                new JvmThreadMetrics().bindTo(registry);
                new ClassLoaderMetrics().bindTo(registry);
                new JvmCompilationMetrics().bindTo(registry);
                JvmGcMetrics gc = new JvmGcMetrics();
                gc.bindTo(registry);
                List<Meter> registered = registry.getMeters().stream()
                        .filter(m -> !before.contains(m) && isOurs(m.getId().getName()))
                        .toList();
                shared = new Shared(gc, registered);
                BOUND.put(registry, shared);
            }
            shared.bindings++;
        }
        return new JvmMeters(registry);
    }

    /** The binders' name spaces: a meter another thread registered meanwhile under another name is not removed. */
    private static boolean isOurs(String name) {
        return name.startsWith("jvm.") || name.startsWith("process.") || name.startsWith("system.");
    }

    /**
     * Once no other binding of the registry is open: stops the GC notifications and removes the meters the registry's
     * first binding registered. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (BOUND) {
                Shared shared = BOUND.get(registry);
                if (--shared.bindings == 0) {
                    BOUND.remove(registry);
                    shared.gc.close();
                    shared.registered.forEach(registry::remove);
                }
            }
        }
    }
}
