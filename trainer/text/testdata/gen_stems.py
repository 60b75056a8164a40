"""Generate stems.tsv.gz: NLTK 3.8 stems of every alphabetic term of
scikit-learn's vocabulary of experiments/data/spam.csv.gz, plus apostrophe
and y forms, for PorterStemmer(mode=ORIGINAL_ALGORITHM) and
SnowballStemmer("english"). Lines: word, porter stem, snowball stem (tabs).

    /usr/bin/python3 trainer/text/testdata/gen_stems.py | gzip -9n > trainer/text/testdata/stems.tsv.gz
"""
import os
import sys

import nltk
from nltk.stem import PorterStemmer, SnowballStemmer
from sklearn.feature_extraction.text import CountVectorizer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
from sklearn_tfidf import load  # noqa: E402

docs = load("experiments/data/spam.csv.gz")
words = {w for w in CountVectorizer(token_pattern=r"(?u)\b\w+\b").fit(docs).vocabulary_ if w.isalpha()}
words |= {"dog's", "dogs'", "'tis", "ies'", "cat's'", "yelling", "sayings", "ayyy", "yyy", "\u2019quote", "it\u2019s",
          "skis", "skies", "dying", "lying", "tying", "idly", "gently", "ugly", "early", "only", "singly", "sky",
          "news", "howe", "atlas", "cosmos", "bias", "andes", "inning", "outing", "canning", "herring", "earring",
          "proceed", "exceed", "succeed", "generate", "communication", "arsenic", "y", "ys", "yes"}
porter = PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)
snow = SnowballStemmer("english")
sys.stdout.write("# NLTK %s: word, PorterStemmer(ORIGINAL_ALGORITHM), SnowballStemmer('english')\n" % nltk.__version__)
for w in sorted(words):
    sys.stdout.write("%s\t%s\t%s\n" % (w, porter.stem(w), snow.stem(w)))
