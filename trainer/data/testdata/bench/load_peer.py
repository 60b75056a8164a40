"""Python peers for trainer/data's loading benchmarks (see BENCHMARKS.md).

  load_peer.py spam PATH      best of 3: read spam.csv.gz with gzip+csv, then
                              scikit-learn TfidfVectorizer().fit_transform
  load_peer.py gen PATH       write a 60,000 x 784 CSV of MNIST-like integer
                              pixels (about 80% zeros) and a label column
  load_peer.py wide PATH      numpy.loadtxt of that file (run under
                              /usr/bin/time -v for peak memory)

Run with Debian's /usr/bin/python3 (python3-sklearn, python3-numpy).
"""
import csv
import gzip
import sys
import time

import numpy as np


def spam(path):
    import sklearn
    from sklearn.feature_extraction.text import TfidfVectorizer

    csv.field_size_limit(1 << 30)
    best_load = best_total = best_cpu = float("inf")
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header, rows = rows[0], rows[1:]
        ti, li = header.index("text"), header.index("label")
        docs = [r[ti] for r in rows]
        labels = [r[li] for r in rows]
        t1 = time.perf_counter()
        x = TfidfVectorizer().fit_transform(docs)
        t2 = time.perf_counter()
        best_load, best_total = min(best_load, t1 - t0), min(best_total, t2 - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    print(f"sklearn {sklearn.__version__}: {len(docs)} docs, {len(set(labels))} classes, {x.shape[1]} terms")
    print(f"load: {best_load:.3f} s   load+tfidf: {best_total:.3f} s wall, {best_cpu:.3f} s cpu")


def gen(path, rows=60000, cols=784):
    rng = np.random.default_rng(1)
    with open(path, "w") as f:
        f.write(",".join(f"p{j}" for j in range(cols)) + ",label\n")
        for start in range(0, rows, 1000):
            n = min(1000, rows - start)
            px = rng.integers(0, 256, size=(n, cols)) * (rng.integers(0, 5, size=(n, cols)) == 0)
            lab = rng.integers(0, 10, size=n)
            f.write("".join(",".join(map(str, r)) + f",{l}\n" for r, l in zip(px.tolist(), lab.tolist())))


def wide(path):
    t0, c0 = time.perf_counter(), time.process_time()
    x = np.loadtxt(path, delimiter=",", skiprows=1)
    print(f"numpy {np.__version__} loadtxt: {x.shape[0]} x {x.shape[1]} in {time.perf_counter() - t0:.2f} s wall, "
          f"{time.process_time() - c0:.2f} s cpu, {x.nbytes / 2**20:.0f} MiB of float64")


if __name__ == "__main__":
    {"spam": spam, "gen": gen, "wide": wide}[sys.argv[1]](sys.argv[2])
