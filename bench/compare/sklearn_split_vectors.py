#!/usr/bin/python3
"""Writes the test vectors that pin DataTools.trainingDataSplit to NumPy and scikit-learn.

Run once with Debian's python3-numpy and python3-sklearn, from the repository root:
    /usr/bin/python3 bench/compare/sklearn_split_vectors.py > loader/src/test/resources/org/etab/api/sklearn_splits.txt

Lines (ids are 0-based positions in the input list):
    perm SEED N : ids                                 RandomState(SEED).permutation(N)
    split SEED N TRAIN VAL SHUFFLE : train | val | test  ETAB's training_data_split on N items
    split SEED N TRAIN VAL SHUFFLE : error             scikit-learn refuses it (ValueError)
"""
import numpy as np
import sklearn
from sklearn.model_selection import train_test_split


def ids(a):
    return " ".join(str(int(i)) for i in a)


def etab_split(n, train_frac, val_frac, seed, shuffle):
    # etab/utils/data_tools.py: two train_test_split calls, both with the same random_state
    train, rest = train_test_split(np.arange(n), train_size=train_frac, random_state=seed, shuffle=shuffle)
    val, test = train_test_split(rest, train_size=val_frac / (1 - train_frac), random_state=seed, shuffle=shuffle)
    return train, val, test


print("# numpy %s, scikit-learn %s" % (np.__version__, sklearn.__version__))
for seed in (0, 1, 42, 1234, 2**32 - 1):
    for n in (0, 1, 2, 3, 10, 100, 1000):
        print("perm %d %d : %s" % (seed, n, ids(np.random.RandomState(seed).permutation(n))))
print("perm 42 5000 : %s" % ids(np.random.RandomState(42).permutation(5000)))

cases = [(seed, n, tf, vf, True) for seed in (0, 42, 1234) for n in (1, 2, 3, 10, 999, 1000)
         for tf, vf in ((0.6, 0.1), (0.7, 0.15), (0.8, 0.1), (0.5, 0.1))]
cases += [(42, n, tf, vf, False) for n in (1, 10, 999) for tf, vf in ((0.6, 0.1), (0.7, 0.15))]
cases += [(42, 10030, 0.6, 0.1, True)]  # EchoNet-Dynamic's size
for seed, n, tf, vf, shuffle in cases:
    head = "split %d %d %r %r %s : " % (seed, n, tf, vf, "true" if shuffle else "false")
    try:
        train, val, test = etab_split(n, tf, vf, seed, shuffle)
    except ValueError:
        print(head + "error")
        continue
    print(head + "%s | %s | %s" % (ids(train), ids(val), ids(test)))
