package org.etab.datasets.tmed;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.etab.batch.BatchPool;
import org.etab.decode.DatasetException;
import org.etab.decode.DecodeException;
import org.etab.decode.DecodeTimeoutException;
import org.etab.decode.PngGray;
import org.etab.source.DatasetFiles;
import org.etab.source.DirectoryOpener;
import org.etab.source.FeatureWriter;
import org.etab.source.IndexProblem;
import org.etab.source.PlanLoop;
import org.etab.source.RecordLabels;
import org.etab.source.RecordSource;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.etab.transform.FrameTransform;

/**
 * TMED-2 as a {@link SampleSource}: records from a fold file ({@link TmedIndex#select}), one PNG still per
 * sample.
 *
 * <p>Features: {@code [C, H, W]}, the gray image through {@link FrameTransform} (bilinear resize to
 * {@code frameHeight x frameWidth}, or the native 112x112 of the released dataset: an image of another size is
 * then resized to it; gray replicated to 3 channels or kept as 1; ImageNet-normalized float32, float32 in [0,1],
 * or raw uint8). Labels: int32 {@code [1]}: the class under the options' label scheme ({@link LabelScheme}), by
 * default the view class (PLAX 0, PSAX 1, A4C 2, A2C 3, A4CorA2CorOther 4) for target {@code view} and the AS
 * class (no_AS 0, mild 1, moderate/severe 2) for target {@code AS}. A record whose label has no class in the
 * scheme (a Not_Provided diagnosis) is a failed sample at plan time ({@link TmedIndex#select} leaves those out).
 *
 * <p>Threading: {@link #plan} is pure and may run on any thread; each worker (a PNG reader and scratch) is
 * confined to one decode thread at a time. Ownership: a worker's reader is released by its {@code close()}.
 * Errors: a missing, unreadable or corrupt PNG is a {@link SampleException} of stage {@code decode} naming the
 * file (a missing one also names a file of its name one folder deeper, where unzipping may have put it), one not
 * read before the sample's deadline a {@link SampleException} of stage {@code timeout}; the pipeline counts either
 * as a failed sample.
 */
public final class TmedSource extends RecordSource<TmedRecord> {
    /** What TMED-2 offers, in ETAB's order. */
    public static final List<Target> TARGETS = List.of(Target.VIEW, Target.AS);

    /** The images' size in the released dataset, used for {@code native} frames. */
    private static final int NATIVE_SIZE = 112;

    private final LabelScheme scheme;
    private final DatasetFiles files;

    /**
     * A source whose images may be any regular files (their root is not known here; types are still checked).
     *
     * @param records the selection ({@link TmedIndex#select})
     * @param options the sample options; {@code video} must be false
     * @throws IllegalArgumentException when the target is not view or AS, the label scheme is not one of the
     *                                  target's, or {@code video=true}
     */
    public TmedSource(List<TmedRecord> records, SampleOptions options) {
        this(records, List.of(), options, DatasetFiles.anywhere());
    }

    /**
     * As above, reading only the images {@code files} allows (a refused image is a failed sample naming why);
     * {@link TmedProvider} confines a dataset's images to its root.
     *
     * @param records  the selection ({@link TmedIndex#select})
     * @param rejected the selection's rows the index left out, reported as failed samples
     * @param options  the sample options; {@code video} must be false
     * @param files    which image files may be read
     * @throws IllegalArgumentException as {@link #TmedSource(List, SampleOptions)}
     */
    public TmedSource(
            List<TmedRecord> records, List<IndexProblem> rejected, SampleOptions options, DatasetFiles files) {
        this(records, rejected, options, LabelScheme.of(checkedTarget(options.target()), options.labelScheme()), files);
    }

    private TmedSource(
            List<TmedRecord> records,
            List<IndexProblem> rejected,
            SampleOptions options,
            LabelScheme scheme,
            DatasetFiles files) {
        super(
                "tmed",
                TARGETS,
                records,
                rejected,
                options,
                r -> new FrameSize(NATIVE_SIZE, NATIVE_SIZE),
                RecordLabels.<TmedRecord>builder().classIndex(scheme::classOf).build());
        this.scheme = scheme;
        if (options.clip().video()) {
            throw new IllegalArgumentException("TMED-2 has still images only: video=true is not available");
        }
        this.files = files;
    }

    @Override
    protected void planRecord(TmedRecord rec, PlanLoop.Plans plans) {
        String file = rec.image().toString();
        if (scheme.classOf(rec) < 0) {
            // Not_Provided has no class in any AS scheme; a view may lack one in a view scheme (view2)
            String reason = options().target() == Target.AS
                    ? "diagnosis_label is " + rec.diagnosis().label() + ": no AS class"
                    : "view_label is " + rec.view().label() + ": no class in label scheme " + scheme.schemeName();
            plans.failed(rec.id(), file, new int[] {0}, reason);
        } else {
            plans.still(rec.id(), file, 0);
        }
    }

    /** The target itself, or the error naming what TMED-2 offers (before a label scheme is looked up for it). */
    private static Target checkedTarget(Target target) {
        if (!TARGETS.contains(target)) {
            throw new IllegalArgumentException("target '" + target.etabName() + "' is not available for tmed; "
                    + "available: " + TmedIndex.targetNames());
        }
        return target;
    }

    /**
     * The failure's message, saying where a file of the image's name is when the image is missing but lies one
     * folder deeper, at {@code <folder>/<folder's name>/<name>}: unzipping the release sometimes nests
     * {@code labeled/labeled/}. That file is never loaded (the fold file says where the image is); only that one
     * place is looked at, and only when it is under the dataset root. Error path only: one stat, and one more to
     * confirm the image itself is missing when something was found.
     */
    private String explained(Path image, RuntimeException e) {
        Path absolute = image.toAbsolutePath().normalize();
        Path folder = absolute.getParent();
        if (folder == null || folder.getFileName() == null) {
            return e.getMessage();
        }
        Path nested = folder.resolve(folder.getFileName()).resolve(absolute.getFileName());
        Path root = files.root() != null ? files.root().toAbsolutePath().normalize() : null;
        if ((root != null && !nested.startsWith(root)) || Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            return e.getMessage();
        }
        try {
            files.check(nested); // a regular file whose real path is under the root, as any file of the dataset
        } catch (DatasetException outside) {
            return e.getMessage();
        }
        return e.getMessage() + " (a file of that name is at " + (root != null ? root.relativize(nested) : nested)
                + ": the images may be one folder deeper than SourceFolder says)";
    }

    @Override
    public SampleWorker newWorker() {
        return new Worker();
    }

    /** One decode thread's file opener (TMED-2's images share a directory), PNG reader and scratch memory. */
    private final class Worker implements SampleWorker {
        private final DirectoryOpener opener = files.newDirectoryOpener();
        private final PngGray png = new PngGray();
        private final PngGray.Image image = new PngGray.Image();
        private final FeatureWriter.Sink frames = featureWriter().newSink();

        @Override
        public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadlineNanos) {
            TmedRecord rec = records().get(plan.record());
            try {
                png.decode(rec.image(), file -> opener.open(file, deadlineNanos), image, deadlineNanos);
            } catch (DecodeTimeoutException e) {
                throw new SampleException(Stage.TIMEOUT, e.getMessage(), e);
            } catch (DecodeException | DatasetException e) {
                throw new SampleException(Stage.DECODE, explained(rec.image(), e), e);
            }
            frames.at(buffers, slot).accept(0, image.pixels, image.width, image.height);
            labelWriter().write(rec, plan, buffers, slot);
            return new LoadStats(1, 1, image.bytesRead);
        }

        @Override
        public void close() {
            png.close();
            opener.close();
        }
    }
}
