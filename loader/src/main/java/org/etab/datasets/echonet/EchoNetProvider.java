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
import org.etab.source.CheckedPhantom;
import org.etab.source.DatasetDescription;
import org.etab.source.DatasetFiles;
import org.etab.source.DatasetPhantom;
import org.etab.source.DatasetRegistry;
import org.etab.source.DescribedProvider;
import org.etab.source.OpenedDataset;
import org.etab.source.RemoteRoot;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.storage.HttpStoreOptions;
import org.etab.transform.Resampling;
import org.etab.transform.ResizeFilter;

/**
 * EchoNet-Dynamic in the dataset registry: {@code echonet}, apical four-chamber videos, targets EF, LV_seg, ES/ED,
 * CM; a local root or an HTTP(S) URL root. Public for {@link java.util.ServiceLoader} only.
 */
public final class EchoNetProvider extends DescribedProvider {
    private static final String VIEW = "AP4CH";

    /** The provider {@link java.util.ServiceLoader} instantiates: EchoNet-Dynamic's description and phantom writer. */
    public EchoNetProvider() {
        super(
                DatasetDescription.builder()
                        .name("echonet")
                        .title("EchoNet-Dynamic")
                        .targets(EchoNetSource.TARGETS)
                        .defaultTarget(Target.EF)
                        .views(List.of(VIEW))
                        .video(true)
                        .build(),
                new CheckedPhantom("echonet", "videos", Set.of("threads"), EchoNetProvider::writePhantom));
    }

    @Override
    public String defaultView(Target target) {
        return VIEW;
    }

    /** ETAB's loader (echonet-dynamic's {@code Echo}, default {@code split="train"}) reads the TRAIN rows only. */
    @Override
    public String etabSplit() {
        return "train";
    }

    /** ETAB's loader resizes EchoNet frames with PIL's bicubic (antialiased when shrinking). */
    @Override
    public Resampling etabResampling() {
        return new Resampling(ResizeFilter.BICUBIC, true);
    }

    @Override
    public OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options) {
        DatasetRegistry.checkFold(this, fold); // as documented: refused, not ignored
        DatasetRegistry.resolveView(this, view, options.target());
        DatasetFiles files = DatasetFiles.of(root, options);
        EchoNetIndex index = EchoNetReader.read(root, files);
        List<EchoNetRecord> records = index.select(split);
        return new OpenedDataset(
                new EchoNetSource(records, index.rejected(split), options, files), index.problems(), records.size());
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
        public OpenedDataset open(
                URI root,
                HttpStoreOptions settings,
                String split,
                String view,
                SampleOptions options,
                boolean clipRanges) {
            DatasetRegistry.resolveView(EchoNetProvider.this, view, options.target());
            RemoteEchoNet remote = RemoteEchoNet.open(root, settings, clipRanges);
            try {
                List<EchoNetRecord> records = remote.index().select(split);
                return new OpenedDataset(
                        remote.source(records, remote.index().rejected(split), options),
                        remote.problems(),
                        records.size(),
                        remote);
            } catch (RuntimeException e) {
                remote.close();
                throw e;
            }
        }
    }

    /** {@link EchoNetPhantom}: count = videos; knob {@code threads} (all cores by default; same bytes either way). */
    private static DatasetPhantom.Written writePhantom(
            Path out, int count, long seed, Map<String, String> knobs, IntConsumer progress) throws IOException {
        EchoNetPhantom.Options.Builder o =
                EchoNetPhantom.Options.builder().videos(count).seed(seed);
        if (knobs.containsKey("threads")) {
            o.threads(parseThreads(knobs.get("threads")));
        }
        EchoNetPhantom.Summary s = new EchoNetPhantom(o.build()).write(out, progress);
        return new DatasetPhantom.Written(
                s.root(),
                s.bytes(),
                String.format(Locale.ROOT, "%d videos, %d frames, %.1f MB", s.videos(), s.frames(), s.bytes() / 1e6));
    }

    private static int parseThreads(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("threads must be a number >= 1 but was '" + text + "'", e);
        }
    }
}
