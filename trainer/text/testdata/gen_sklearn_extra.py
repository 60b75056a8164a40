"""Generate tfidf_extra.json: TfidfVectorizer outputs for options that
/work/shared/reference/tfidf.json does not cover (stop words, document
frequency limits, max_features, accents, l1, plain idf, no idf, Unicode text).

Run with Debian's /usr/bin/python3 (python3-sklearn 1.2.1):
    /usr/bin/python3 trainer/text/testdata/gen_sklearn_extra.py > trainer/text/testdata/tfidf_extra.json
"""
import json
import sys

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

DOCS = [
    "The movie was GREAT, great acting!!",
    "Terrible plot; the acting was bad.",
    "Oh sure, a 'masterpiece'... if you like sleeping.",
    "Neutral review: it exists.",
    "Great great great. Would watch again?",
    "bad, BAD, bad! 0/10",
    "An okay film with 2 good scenes",
    "Café crème brûlée: déjà vu, naïve façade — ÉTÉ été",
    "Straße ΣΟΦΙΑ σοφία 東京 tokyo_2020 x² ½ ①",
    "the the the and of a an",
    "İSTANBUL ΟΔΟΣ ΣΟΦΙΑΣ ΣΑ ΑΣ'Σ ΑΣ.",
]

CONFIGS = [
    ("stop_words_english", dict(stop_words="english"), dict(stop_words="english")),
    ("min_df_2", dict(min_df=2), dict(min_df=2)),
    ("max_df_half", dict(max_df=0.5), dict(max_df=0.5)),
    ("min_df_prop_max_df_count", dict(min_df=0.15, max_df=3), dict(min_df=0.15, max_df=3)),
    ("max_features_12", dict(max_features=12), dict(max_features=12)),
    ("max_features_5_bigrams", dict(max_features=5, ngram_range=(1, 2)), dict(max_features=5, ngram_min=1, ngram_max=2)),
    ("only_bigrams", dict(ngram_range=(2, 2)), dict(ngram_min=2, ngram_max=2)),
    ("trigrams_stop", dict(ngram_range=(1, 3), stop_words="english"), dict(ngram_min=1, ngram_max=3, stop_words="english")),
    ("strip_accents_unicode", dict(strip_accents="unicode"), dict(strip_accents="unicode")),
    ("strip_accents_ascii", dict(strip_accents="ascii"), dict(strip_accents="ascii")),
    ("plain_idf_l1", dict(smooth_idf=False, norm="l1"), dict(idf="plain", norm="l1")),
    ("no_idf_no_norm_sublinear", dict(use_idf=False, norm=None, sublinear_tf=True), dict(idf="none", norm="none", sublinear_tf=True)),
    ("keep_case", dict(lowercase=False), dict(case="keep")),
]

out = {"generator": "scikit-learn %s TfidfVectorizer, script gen_sklearn_extra.py" % sklearn.__version__,
       "documents": DOCS, "cases": []}
for name, skl, ours in CONFIGS:
    v = TfidfVectorizer(**skl)
    X = v.fit_transform(DOCS).toarray()
    vocab = list(v.get_feature_names_out())
    case = {"name": name, "sklearn": {k: list(x) if isinstance(x, tuple) else x for k, x in skl.items()},
            "options": ours, "vocabulary": vocab, "matrix": X.tolist()}
    if getattr(v, "use_idf", True):
        case["idf"] = v.idf_.tolist()
    out["cases"].append(case)
json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
sys.stdout.write("\n")
