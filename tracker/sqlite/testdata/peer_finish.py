"""Peer for BenchmarkFinishTrial: the same FinishTrial writes with Python's
sqlite3 module (C SQLite) on the same schema and settings (WAL,
synchronous=NORMAL, one IMMEDIATE transaction per trial, prepared
statements via executemany): 1 trial row update, 2 evaluation rows, 20 class
rows, 100 epoch rows.

    /usr/bin/python3 tracker/sqlite/testdata/peer_finish.py [trials]
"""
import json
import os
import sqlite3
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    d = tempfile.mkdtemp()
    db = sqlite3.connect(os.path.join(d, "peer.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    mdir = os.path.join(ROOT, "sql", "sqlite")
    for name in sorted(os.listdir(mdir)):
        db.executescript(open(os.path.join(mdir, name)).read())
    db.execute("INSERT INTO studies (name, spec, objective, direction, seed, created_at) VALUES ('peer', x'', 'val_macro_f1', 'maximize', 1, '2026-01-01 00:00:00.000000')")
    labels = ["class-%d" % i for i in range(10)]
    confusion = [[20 if i == j else 0 for j in range(10)] for i in range(10)]
    metrics = json.dumps({"val_macro_f1": 0.9, "val_accuracy": 0.91, "val_loss": 0.3, "test_macro_f1": 0.88, "test_accuracy": 0.9, "test_loss": 0.32}, sort_keys=True)
    total = 0.0
    for k in range(n):
        db.execute("INSERT INTO trials (study_id, number, status, params, seed, attempt) VALUES (1, ?, 'running', '{\"units\":64}', 0, 1)", (k,))
        t0 = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        (tid,) = db.execute(
            "UPDATE trials SET status='complete', has_result=1, value=?, val_macro_f1=?, val_accuracy=?, val_loss=?, test_macro_f1=?, test_accuracy=?, test_loss=?, "
            "metrics=?, intermediate='[]', best_epoch=90, epochs_run=100, stop_reason='max_epochs', finished_at='2026-01-01 00:00:01.000000' "
            "WHERE study_id=1 AND number=? AND status='running' RETURNING id",
            (0.9, 0.9, 0.91, 0.3, 0.88, 0.9, 0.32, metrics, k)).fetchone()
        for table in ("trial_evaluations", "trial_classes", "trial_epochs"):
            db.execute("DELETE FROM %s WHERE trial_id=?" % table, (tid,))
        db.executemany("INSERT INTO trial_evaluations (trial_id, position, split, labels, confusion) VALUES (?,?,?,?,?)",
                       [(tid, p, s, json.dumps(labels), json.dumps(confusion)) for p, s in enumerate(("val", "test"))])
        db.executemany("INSERT INTO trial_classes (trial_id, position, split, class_index, label, precision, recall, f1, support) VALUES (?,?,?,?,?,?,?,?,?)",
                       [(tid, p, s, i, labels[i], 0.9, 0.8, 0.85, 20) for p, s in enumerate(("val", "test")) for i in range(10)])
        db.executemany("INSERT INTO trial_epochs (trial_id, position, epoch, train_loss, train_acc, val_loss, val_acc, val_macro_f1, seconds) VALUES (?,?,?,?,?,?,?,?,?)",
                       [(tid, e - 1, e, 1 / e, 0.5, 1.1 / e, 0.5, 0.5, 0.01) for e in range(1, 101)])
        db.execute("COMMIT")
        total += time.perf_counter() - t0
    print("python sqlite3 %s: FinishTrial-equivalent %.3f ms/op over %d trials" % (sqlite3.sqlite_version, 1000 * total / n, n))


if __name__ == "__main__":
    main()
