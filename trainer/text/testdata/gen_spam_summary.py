"""Generate spam_summary.json: a compact fingerprint of scikit-learn's
TfidfVectorizer output on experiments/data/spam.csv.gz, for a full-corpus
cross-check without storing the matrix. Per configuration: the vocabulary's
SHA-256 (terms joined by newlines), its size, nnz, sums over idf and values,
a position-weighted sum of values, and complete rows for a few documents.

    /usr/bin/python3 trainer/text/testdata/gen_spam_summary.py > trainer/text/testdata/spam_summary.json
"""
import hashlib
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
from sklearn_tfidf import load  # noqa: E402

ROWS = [0, 1, 100, 1234, 3644]
CONFIGS = [
    ("default", {}, {}),
    ("bigrams_limits_sublinear_max_features",
     dict(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True, max_features=5000, stop_words="english"),
     dict(ngram_min=1, ngram_max=2, min_df=2, max_df=0.9, sublinear_tf=True, max_features=5000, stop_words="english")),
]

docs = load(sys.argv[1] if len(sys.argv) > 1 else "experiments/data/spam.csv.gz")
out = {"generator": "scikit-learn %s, numpy %s, gen_spam_summary.py" % (sklearn.__version__, np.__version__),
       "documents": len(docs), "cases": []}
for name, skl, ours in CONFIGS:
    v = TfidfVectorizer(**skl)
    X = v.fit_transform(docs).tocsr()
    X.sort_indices()
    vocab = list(v.get_feature_names_out())
    coo = X.tocoo()
    rows = {}
    for r in ROWS:
        s = X[r]
        rows[str(r)] = {"indices": s.indices.tolist(), "values": s.data.tolist()}
    out["cases"].append({
        "name": name, "options": ours, "sklearn": {k: list(x) if isinstance(x, tuple) else x for k, x in skl.items()},
        "terms": len(vocab),
        "vocabulary_sha256": hashlib.sha256("\n".join(vocab).encode()).hexdigest(),
        "nnz": int(X.nnz),
        "idf_sum": float(v.idf_.sum()),
        "value_sum": float(X.data.sum()),
        "weighted_sum": float(((coo.row + 1) * 1e-3 * (coo.col + 1) * 1e-3 * coo.data).sum()),
        "rows": rows,
    })
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
