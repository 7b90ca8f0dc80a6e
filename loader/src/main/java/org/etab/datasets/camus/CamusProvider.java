package org.etab.datasets.camus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.etab.decode.ImageVolume;
import org.etab.source.CheckedPhantom;
import org.etab.source.DatasetDescription;
import org.etab.source.DatasetFiles;
import org.etab.source.DatasetPhantom;
import org.etab.source.DatasetRegistry;
import org.etab.source.DescribedProvider;
import org.etab.source.IndexProblem;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.transform.Resampling;
import org.etab.transform.ResizeFilter;

/**
 * CAMUS in the dataset registry: {@code camus}, both public releases, apical two- and four-chamber records.
 * Public for {@link java.util.ServiceLoader} only.
 */
public final class CamusProvider extends DescribedProvider {

    /** The provider {@link java.util.ServiceLoader} instantiates: CAMUS's description and phantom writer. */
    public CamusProvider() {
        super(
                DatasetDescription.builder()
                        .name("camus")
                        .title("CAMUS")
                        .targets(CamusSource.TARGETS)
                        .defaultTarget(Target.EF)
                        .views(List.of("AP2CH", "AP4CH", "both"))
                        .video(true)
                        .build(),
                new CheckedPhantom("camus", "patients", Set.of("release"), CamusProvider::writePhantom));
    }

    /** ETAB's loader resizes CAMUS frames with torchvision's {@code Resize} on a PIL image: bilinear, antialiased. */
    @Override
    public Resampling etabResampling() {
        return new Resampling(ResizeFilter.BILINEAR, true);
    }

    @Override
    public String defaultView(Target target) {
        return "both";
    }

    @Override
    public boolean acceptsView(String view) {
        try {
            CamusView.select(view); // the reader's own rule, aliases (2CH, A4C, ...) included
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options) {
        DatasetRegistry.checkFold(this, fold); // as documented: refused, not ignored
        DatasetRegistry.resolveLabelScheme(this, options.target(), options.labelScheme()); // view has one coding
        DatasetFiles files = DatasetFiles.of(root, options);
        CamusIndex index = CamusReader.read(root, files);
        String v = view == null ? defaultView(options.target()) : view;
        List<CamusRecord> records = index.select(split, v);
        return new OpenedDataset(
                new CamusSource(records, index.rejected(split, v), options, files), index.problems(), records.size());
    }

    /** Sizes differ per patient: one group per size, read from the ED images. */
    @Override
    public List<OpenedDataset> openNative(Path root, String split, String view, int fold, SampleOptions options) {
        DatasetRegistry.checkFold(this, fold); // as documented: refused, not ignored
        DatasetRegistry.resolveLabelScheme(this, options.target(), options.labelScheme()); // view has one coding
        DatasetFiles files = DatasetFiles.of(root, options);
        CamusIndex index = CamusReader.read(root, files);
        String v = view == null ? defaultView(options.target()) : view;
        Map<List<Integer>, List<CamusRecord>> bySize = new LinkedHashMap<>();
        List<CamusRecord> unreadable = new ArrayList<>();
        List<CamusRecord> selection = index.select(split, v);
        List<IndexProblem> unsized = new ArrayList<>();
        for (CamusRecord r : selection) {
            try {
                ImageVolume ed = CamusSource.readVolume(r.ed(), files);
                bySize.computeIfAbsent(List.of(ed.height(), ed.width()), k -> new ArrayList<>())
                        .add(r);
            } catch (SampleException e) {
                if (options.clip().video()) { // its clip comes from the sequence, which may load: at a size not its own
                    unsized.add(new IndexProblem(
                            r.id(), r.ed().toString(), "its native size is unknown: " + e.getMessage()));
                } else {
                    unreadable.add(r); // planned in the first group, where loading fails again and is reported
                }
            }
        }
        // a size no sample may have (a side over SampleOptions.MAX_FRAME_SIDE, a clip over 1 GiB): its records fail
        // alone, named with the reason, rather than the whole export ending with one line
        Map<List<Integer>, SampleOptions> sized = new LinkedHashMap<>();
        for (Map.Entry<List<Integer>, List<CamusRecord>> e : bySize.entrySet()) {
            int height = e.getKey().get(0);
            int width = e.getKey().get(1);
            try {
                sized.put(
                        e.getKey(), options.toBuilder().frameSize(height, width).build());
            } catch (IllegalArgumentException refused) {
                for (CamusRecord r : e.getValue()) {
                    unsized.add(new IndexProblem(
                            r.id(),
                            r.ed().toString(),
                            "its native size " + width + "x" + height
                                    + " (width x height, from the ED image) cannot be a sample's: "
                                    + refused.getMessage()));
                }
            }
        }
        bySize.keySet().retainAll(sized.keySet());
        List<IndexProblem> rejected = new ArrayList<>(index.rejected(split, v));
        rejected.addAll(unsized);
        if (bySize.isEmpty() && (!unreadable.isEmpty() || !rejected.isEmpty())) {
            bySize.put(List.of(1, 1), new ArrayList<>());
            sized.put(List.of(1, 1), options.toBuilder().frameSize(1, 1).build());
        }
        if (!bySize.isEmpty()) {
            bySize.values().iterator().next().addAll(0, unreadable);
        }
        List<OpenedDataset> out = new ArrayList<>();
        for (Map.Entry<List<Integer>, List<CamusRecord>> e : bySize.entrySet()) {
            // the index's problems and rejections go with the first group, so that they are reported once
            boolean first = out.isEmpty();
            out.add(new OpenedDataset(
                    new CamusSource(
                            e.getValue(), selection, first ? rejected : List.of(), sized.get(e.getKey()), files),
                    first ? index.problems() : List.of(),
                    e.getValue().size()));
        }
        return out;
    }

    /** {@link CamusPhantom}: count = patients; knob {@code release}, {@code mhd} or {@code nifti} (default). */
    private static DatasetPhantom.Written writePhantom(
            Path out, int count, long seed, Map<String, String> knobs, IntConsumer progress) throws IOException {
        String release = knobs.getOrDefault("release", "nifti");
        CamusRelease r = switch (release.trim().toLowerCase(Locale.ROOT)) {
            case "mhd" -> CamusRelease.MHD;
            case "nifti" -> CamusRelease.NIFTI;
            default -> throw new IllegalArgumentException("release must be mhd or nifti but was '" + release + "'");
        };
        CamusPhantom.Summary s = new CamusPhantom(new CamusPhantom.Options(count, seed, r)).write(out, progress);
        return new DatasetPhantom.Written(
                s.root(),
                s.bytes(),
                String.format(Locale.ROOT, "%d patients (%s release), %.1f MB", s.patients(), r, s.bytes() / 1e6));
    }
}
