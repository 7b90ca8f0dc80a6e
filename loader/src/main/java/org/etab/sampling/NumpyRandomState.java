package org.etab.sampling;

/**
 * NumPy's legacy {@code numpy.random.RandomState(seed)} for an int seed, as far as
 * {@code permutation(n)} needs it: MT19937 seeded by {@code init_genrand}, and the shuffle of
 * {@code RandomState.shuffle} (Fisher-Yates from the end, {@code random_interval} by masked rejection). The
 * same seed gives NumPy's permutation element for element, which is what scikit-learn's splits draw from.
 *
 * <p>Threading: one instance per thread; {@link #permutation(long, int)} makes its own.
 */
public final class NumpyRandomState {
    private static final int N = 624;
    private static final int M = 397;
    private static final int UPPER = 0x80000000;
    private static final int LOWER = 0x7fffffff;
    private static final int MATRIX_A = 0x9908b0df;

    private final int[] mt = new int[N];
    private int pos;

    /** NumPy's {@code _legacy_seeding(seed)} for an int: {@code mt19937_seed}, which is {@code init_genrand}. */
    NumpyRandomState(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            // NumPy refuses these too ("Seed must be between 0 and 2**32 - 1")
            throw new IllegalArgumentException(
                    "seed must be in [0, 2^32 - 1] (NumPy's legacy seeding) but was " + seed);
        }
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        pos = N;
    }

    /**
     * {@code RandomState(seed).permutation(n)}: the positions 0..n-1 in NumPy's shuffled order.
     *
     * @param seed NumPy's int seed, in {@code [0, 2^32 - 1]}
     * @param n    the number of positions, {@code >= 0}
     * @return a new array holding {@code 0..n-1} in the order NumPy gives for this seed
     * @throws IllegalArgumentException if {@code n < 0} or the seed is out of range (NumPy refuses it too)
     */
    public static int[] permutation(long seed, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n >= 0 required but was " + n);
        }
        NumpyRandomState random = new NumpyRandomState(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.interval(i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * NumPy's {@code random_interval(max)} for {@code max < 2^31}: uniform in [0, max], by masking 32-bit draws
     * to the smallest covering bits and rejecting values above max.
     */
    int interval(int max) {
        if (max == 0) {
            return 0;
        }
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        do {
            value = nextUint32() & mask;
        } while (value > max);
        return (int) value;
    }

    /** MT19937's {@code genrand_int32}, as an unsigned value. */
    long nextUint32() {
        if (pos >= N) {
            regenerate();
        }
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void regenerate() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & UPPER) | (mt[(k + 1) % N] & LOWER);
            mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        pos = 0;
    }
}
