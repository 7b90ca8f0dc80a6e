package org.etab.source;

import java.util.List;
import java.util.Objects;

/**
 * A {@link DatasetProvider} whose names, targets, views and defaults are the values of a
 * {@link DatasetDescription}, with a phantom made once: a dataset states them in its constructor and writes only
 * its default view and how to open.
 */
public abstract class DescribedProvider implements DatasetProvider {
    private final DatasetDescription description;
    private final DatasetPhantom phantom;

    /**
     * A provider answering from {@code description}.
     *
     * @param description the names, targets, views and defaults
     * @param phantom     the phantom generator, made once and shared (it must be thread-safe)
     * @throws NullPointerException when either is null
     */
    protected DescribedProvider(DatasetDescription description, DatasetPhantom phantom) {
        this.description = Objects.requireNonNull(description, "description");
        this.phantom = Objects.requireNonNull(phantom, "phantom");
    }

    @Override
    public final String name() {
        return description.name();
    }

    @Override
    public final String title() {
        return description.title();
    }

    @Override
    public final List<Target> targets() {
        return description.targets();
    }

    @Override
    public final Target defaultTarget() {
        return description.defaultTarget();
    }

    @Override
    public final List<String> views() {
        return description.views();
    }

    @Override
    public final boolean videoByDefault() {
        return description.video();
    }

    @Override
    public final DatasetPhantom phantom() {
        return phantom;
    }
}
