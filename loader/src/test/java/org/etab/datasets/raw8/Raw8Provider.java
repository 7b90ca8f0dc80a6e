package org.etab.datasets.raw8;

import java.nio.file.Path;
import java.util.List;
import org.etab.source.DatasetPhantom;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;

/**
 * A fourth dataset that exists only in the tests: raw 8-bit stills with a CSV index. It is registered in the test
 * resources' {@code META-INF/services} and touches nothing outside this package, which is what proves that a
 * dataset plugs in through the registry alone.
 */
public final class Raw8Provider implements DatasetProvider {

    @Override
    public String name() {
        return "raw8";
    }

    @Override
    public String title() {
        return "Raw8";
    }

    @Override
    public List<Target> targets() {
        return Raw8Source.TARGETS;
    }

    @Override
    public Target defaultTarget() {
        return Target.EF;
    }

    @Override
    public List<String> views() {
        return List.of(Raw8Record.VIEWS);
    }

    @Override
    public String defaultView(Target target) {
        return "all";
    }

    @Override
    public boolean videoByDefault() {
        return false;
    }

    @Override
    public DatasetPhantom phantom() {
        return new Raw8Phantom();
    }

    @Override
    public OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options) {
        String v = DatasetRegistry.resolveView(this, view, options.target());
        Raw8Index index = Raw8Index.read(root);
        List<Raw8Record> records = index.select(split, v);
        return new OpenedDataset(new Raw8Source(records, options), index.problems(), records.size());
    }
}
