package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The documented formula, layouts, and the float32 kernel arithmetic against float64. */
class NormalizeReferenceTest {
    final Normalization imagenet = Normalization.imagenet();

    @Test
    void formulaIsImagenetOnZeroToOne() {
        // one sample, 3 channels, 1 pixel: x = 0, 255, 128 on R, G, B
        double[] out = NormalizeReference.reference(new byte[] {0, (byte) 255, (byte) 128}, 1, 1, imagenet);
        assertThat(out[0]).isCloseTo(-0.485 / 0.229, within(1e-12));
        assertThat(out[1]).isCloseTo((1 - 0.456) / 0.224, within(1e-12));
        assertThat(out[2]).isCloseTo((128 / 255.0 - 0.406) / 0.225, within(1e-12));
    }

    @Test
    void channelsFirstToLastMovesTheChannelAxis() {
        // [N=1, C=3, S=2] -> [N=1, S=2, C=3]
        byte[] in = {0, 1, 10, 11, 20, 21};
        Normalization n = new Normalization(
                Normalization.Layout.CHANNELS_FIRST,
                Normalization.Layout.CHANNELS_LAST,
                new double[] {0, 0, 0},
                new double[] {1 / 255.0, 1 / 255.0, 1 / 255.0});
        double[] out = NormalizeReference.reference(in, 1, 2, n);
        assertThat(out).containsExactly(new double[] {0, 10, 20, 1, 11, 21}, within(1e-9));
        double[] back = NormalizeReference.reference(
                new byte[] {0, 10, 20, 1, 11, 21},
                1,
                2,
                n.withInput(Normalization.Layout.CHANNELS_LAST).withOutput(Normalization.Layout.CHANNELS_FIRST));
        assertThat(back).containsExactly(new double[] {0, 1, 10, 11, 20, 21}, within(1e-9));
        assertThat(n.outputShape(new org.etab.batch.TensorSpec(org.etab.batch.DType.UINT8, 3, 4, 5, 6)))
                .containsExactly(4, 5, 6, 3);
    }

    /**
     * Two samples of 3 channels and 4 positions, every value its own input index, each channel shifted by its own mean:
     * every element lands where the other layout keeps it, with its own channel's formula, in every layout pair and in
     * both the float64 reference and the float32 kernel.
     */
    @Test
    void everyElementOfEverySampleLandsInItsPlaceWithItsChannelsFormula() {
        int batch = 2;
        int channels = 3;
        int spatial = 4;
        byte[] in = new byte[batch * channels * spatial];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) i;
        }
        double[] mean = {0, 1, 2}; // (x / 255 - mean[c]) * 255 = x - 255 c
        double[] std = {1 / 255.0, 1 / 255.0, 1 / 255.0};
        for (Normalization.Layout from : Normalization.Layout.values()) {
            for (Normalization.Layout to : Normalization.Layout.values()) {
                Normalization n = new Normalization(from, to, mean, std);
                double[] reference = NormalizeReference.reference(in, batch, spatial, n);
                float[] kernel = NormalizeReference.kernel(in, batch, spatial, n);
                for (int b = 0; b < batch; b++) {
                    for (int c = 0; c < channels; c++) {
                        for (int s = 0; s < spatial; s++) {
                            int source = index(from, b, c, s, channels, spatial);
                            int target = index(to, b, c, s, channels, spatial);
                            double expected = source - 255.0 * c;
                            assertThat(reference[target])
                                    .as("%s -> %s, b %d c %d s %d", from, to, b, c, s)
                                    .isCloseTo(expected, within(1e-9));
                            assertThat((double) kernel[target]).isCloseTo(expected, within(1e-3));
                        }
                    }
                }
            }
        }
    }

    private static int index(Normalization.Layout layout, int b, int c, int s, int channels, int spatial) {
        return layout == Normalization.Layout.CHANNELS_FIRST
                ? (b * channels + c) * spatial + s
                : (b * spatial + s) * channels + c;
    }

    @Test
    void theLargestErrorIsTheLargestDifference() {
        assertThat(NormalizeReference.maxAbsError(new float[] {1, -2.5f, 3}, new double[] {0.5, 0, 3}))
                .isEqualTo(2.5);
        assertThat(NormalizeReference.maxAbsError(new float[0], new double[0])).isZero();
    }

    @Test
    void float32KernelArithmeticIsWithin1e6OfFloat64() {
        Random r = new Random(1);
        byte[] in = new byte[3 * 2 * 16 * 16 * 4];
        r.nextBytes(in);
        for (Normalization.Layout a : Normalization.Layout.values()) {
            for (Normalization.Layout b : Normalization.Layout.values()) {
                Normalization n = imagenet.withInput(a).withOutput(b);
                double err = NormalizeReference.maxAbsError(
                        NormalizeReference.kernel(in, 4, 2 * 16 * 16, n),
                        NormalizeReference.reference(in, 4, 2 * 16 * 16, n));
                assertThat(err).as("%s -> %s", a, b).isLessThan(1e-6);
            }
        }
    }

    @Test
    void poisonedOutputIsNeverWithinTolerance() {
        assertThat(NormalizeReference.maxAbsError(new float[] {0, Float.NaN}, new double[] {0, 0}))
                .isNaN();
    }
}
