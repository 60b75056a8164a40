"""Peer for BenchmarkFitTransformSpam: the same work in scikit-learn.

Reads experiments/data/spam.csv.gz (gzip + csv, column "text"), then
TfidfVectorizer() with default options: fit, then transform every document.
Prints the best of --repeat runs (wall time and process CPU time), the
vocabulary size and the non-zero count.

    /usr/bin/python3 trainer/text/bench/sklearn_tfidf.py [--repeat 5] [path]
"""
import argparse
import csv
import gzip
import io
import time

import sys

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer


def load(path):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        csv.field_size_limit(sys.maxsize)  # some messages exceed the 128 KiB default
        r = csv.reader(f)
        header = next(r)
        col = header.index("text")
        return [row[col] for row in r]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path", nargs="?", default="experiments/data/spam.csv.gz")
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    best = {}
    for _ in range(a.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        docs = load(a.path)
        t1, c1 = time.perf_counter(), time.process_time()
        v = TfidfVectorizer().fit(docs)
        X = v.transform(docs)
        t2, c2 = time.perf_counter(), time.process_time()
        for k, d in (("load", t1 - t0), ("tfidf", t2 - t1), ("total", t2 - t0),
                     ("load_cpu", c1 - c0), ("tfidf_cpu", c2 - c1), ("total_cpu", c2 - c0)):
            best[k] = min(best.get(k, d), d)
    print("scikit-learn %s: %d docs, %d terms, nnz %d; best of %d:" % (sklearn.__version__, len(docs), len(v.vocabulary_), X.nnz, a.repeat))
    print("  wall: load %.3f s, fit+transform %.3f s, total %.3f s" % (best["load"], best["tfidf"], best["total"]))
    print("  cpu:  load %.3f s, fit+transform %.3f s, total %.3f s" % (best["load_cpu"], best["tfidf_cpu"], best["total_cpu"]))


if __name__ == "__main__":
    main()
