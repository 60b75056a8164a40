"""Generate argsort.json: NumPy's default (quicksort) argsort of int64 arrays
with many ties, the order scikit-learn's max_features relies on.

    /usr/bin/python3 trainer/text/testdata/gen_numpy_argsort.py > trainer/text/testdata/argsort.json
"""
import json
import sys

import numpy as np

rng = np.random.default_rng(7)
cases = []
for n, hi in [(0, 1), (1, 1), (2, 2), (16, 3), (17, 3), (18, 2), (40, 4), (100, 3), (257, 10), (1000, 5), (3000, 50), (5000, 2)]:
    v = rng.integers(-hi, 1, size=n).astype(np.int64)
    cases.append({"values": v.tolist(), "argsort": np.argsort(v).tolist()})
# Sorted, reversed and constant inputs.
for v in [np.arange(300), np.arange(300)[::-1], np.zeros(300, dtype=np.int64)]:
    v = np.asarray(v, dtype=np.int64)
    cases.append({"values": v.tolist(), "argsort": np.argsort(v).tolist()})
json.dump({"generator": "numpy %s np.argsort(kind='quicksort')" % np.__version__, "cases": cases}, sys.stdout)
sys.stdout.write("\n")
