"""imbalanced-learn peer for BenchmarkSMOTE (trainer/data/bench_test.go).

Same shapes as the Go benchmark: 50,000 x 784 standard-normal features, a
500-row minority class, SMOTE with k = 5 to the majority count; "10class" has
nine classes of 5,500 rows, "binary" one class of 49,500. Prints the best of
--repeat wall-clock and process CPU times of fit_resample. Run with Debian's /usr/bin/python3
(python3-imblearn).
"""
import argparse
import time

import imblearn
import numpy as np
from imblearn.over_sampling import SMOTE


def bench_set(n, d, classes, minority):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((n, d))
    i = np.arange(n)
    y = np.where(i < minority, classes - 1, (i - minority) % (classes - 1))
    return x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"imblearn {imblearn.__version__}")
    for name, classes in (("10class", 10), ("binary", 2)):
        x, y = bench_set(50000, 784, classes, 500)
        best = best_cpu = float("inf")
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            xr, yr = SMOTE(k_neighbors=5, random_state=2).fit_resample(x, y)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        print(f"smote/{name}: {best:.3f} s wall, {best_cpu:.3f} s cpu  ({xr.shape[0]} rows out)")


if __name__ == "__main__":
    main()
