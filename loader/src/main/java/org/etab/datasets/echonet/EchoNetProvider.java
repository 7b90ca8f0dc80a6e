package org.etab.datasets.echonet;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;

import org.etab.source.DatasetPhantom;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.OpenedDataset;
import org.etab.source.RemoteRoot;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.storage.HttpStoreOptions;

/**
 * EchoNet-Dynamic in the dataset registry: {@code echonet}, apical four-chamber videos, targets EF, LV_seg, ES/ED,
 * CM; a local root or an HTTP(S) URL root. Public for {@link java.util.ServiceLoader} only.
 */
public final class EchoNetProvider implements DatasetProvider {
    private static final String VIEW = "AP4CH";

    @Override
    public String name() {
        return "echonet";
    }

    @Override
    public String title() {
        return "EchoNet-Dynamic";
    }

    @Override
    public List<Target> targets() {
        return EchoNetSource.TARGETS;
    }

    @Override
    public Target defaultTarget() {
        return Target.EF;
    }

    @Override
    public List<String> views() {
        return List.of(VIEW);
    }

    @Override
    public String defaultView(Target target) {
        return VIEW;
    }

    @Override
    public boolean videoByDefault() {
        return true;
    }

    @Override
    public DatasetPhantom phantom() {
        return new Phantom();
    }

    @Override
    public OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options) {
        DatasetRegistry.resolveView(this, view, options.target());
        EchoNetIndex index = EchoNetReader.read(root);
        List<EchoNetRecord> records = index.select(split);
        return new OpenedDataset(new EchoNetSource(records, options), index.problems(), records.size());
    }

    @Override
    public Optional<RemoteRoot<?>> remoteRoot() {
        return Optional.of(new Remote());
    }

    /** Videos fetched per batch from an HTTP(S) store (see {@link RemoteEchoNet}). */
    private final class Remote implements RemoteRoot<HttpStoreOptions> {
        @Override
        public Class<HttpStoreOptions> settingsType() {
            return HttpStoreOptions.class;
        }

        @Override
        public OpenedDataset open(URI root, HttpStoreOptions settings, String split, String view,
                SampleOptions options, boolean clipRanges) {
            DatasetRegistry.resolveView(EchoNetProvider.this, view, options.target());
            RemoteEchoNet remote = RemoteEchoNet.open(root, settings, clipRanges);
            try {
                List<EchoNetRecord> records = remote.index().select(split);
                return new OpenedDataset(remote.source(records, options), remote.problems(), records.size(), remote);
            } catch (RuntimeException e) {
                remote.close();
                throw e;
            }
        }
    }

    /** {@link EchoNetPhantom}: count = videos; knob {@code threads} (all cores by default; same bytes either way). */
    private static final class Phantom implements DatasetPhantom {
        @Override
        public String unit() {
            return "videos";
        }

        @Override
        public Set<String> knobs() {
            return Set.of("threads");
        }

        @Override
        public Written write(Path out, int count, long seed, Map<String, String> knobs, IntConsumer progress)
                throws IOException {
            DatasetPhantom.checkKnobs("echonet", knobs, knobs());
            EchoNetPhantom.Options o = EchoNetPhantom.Options.of(count, seed);
            if (knobs.containsKey("threads")) {
                o = o.withThreads(parseThreads(knobs.get("threads")));
            }
            EchoNetPhantom.Summary s = new EchoNetPhantom(o).write(out, progress);
            return new Written(s.root(), s.bytes(), String.format(Locale.ROOT, "%d videos, %d frames, %.1f MB",
                    s.videos(), s.frames(), s.bytes() / 1e6));
        }

        private static int parseThreads(String text) {
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("threads must be a number >= 1 but was '" + text + "'", e);
            }
        }
    }
}
