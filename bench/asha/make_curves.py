#!/usr/bin/python3
"""Builds the learning-curve table the early-stopping quality benchmark replays.

For each of N random configurations of scikit-learn's MLPClassifier (adam; hidden layer
sizes, learning rate, L2 penalty, batch size, activation), trains it epoch by epoch with
partial_fit on one of scikit-learn's bundled data sets (digits, breast_cancer, wine) and
records the validation error after every epoch up to --epochs. One JSON line per
configuration is appended to --out, so the build can be stopped and resumed: ids already in
the file are skipped. The configurations are a pure function of (--seed, id).

  /usr/bin/python3 bench/asha/make_curves.py --dataset digits -n 2000 --epochs 27 \
      --out bench/asha/curves_digits.jsonl

About 1-2.5 s per configuration on one core of the 2-core test machine (digits, 27 epochs).
Run it under `nice -n 19` beside other work.
"""

import argparse
import json
import math
import os
import random
import sys
import time
import warnings


def sample_config(seed, i):
    rng = random.Random(seed * 1_000_003 + i)
    layers = rng.choice([1, 2, 3])
    return {
        "hidden_sizes": [rng.choice([8, 16, 32, 64, 128, 256]) for _ in range(layers)],
        "lr": 10 ** rng.uniform(-4.5, -0.5),
        "weight_decay": 10 ** rng.uniform(-6, 0),
        "batch_size": rng.choice([16, 32, 64, 128, 256]),
        "activation": rng.choice(["relu", "tanh", "logistic"]),
    }


def load(dataset):
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    loader = {"digits": datasets.load_digits, "breast_cancer": datasets.load_breast_cancer,
              "wine": datasets.load_wine}[dataset]
    x, y = loader(return_X_y=True)
    x_tr, x_va, y_tr, y_va = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(x_tr)
    return scaler.transform(x_tr), scaler.transform(x_va), y_tr, y_va


def curve(cfg, data, epochs, seed):
    import numpy as np
    from sklearn.neural_network import MLPClassifier
    x_tr, x_va, y_tr, y_va = data
    model = MLPClassifier(hidden_layer_sizes=tuple(cfg["hidden_sizes"]), solver="adam",
                          learning_rate_init=cfg["lr"], alpha=cfg["weight_decay"],
                          batch_size=min(cfg["batch_size"], len(x_tr)),
                          activation=cfg["activation"], random_state=seed)
    classes = np.unique(y_tr)
    errors = []
    for _ in range(epochs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.partial_fit(x_tr, y_tr, classes=classes)
        err = 1.0 - model.score(x_va, y_va)
        errors.append(round(err, 6) if math.isfinite(err) else 1.0)
    return errors


def done_ids(path):
    ids = set()
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                try:
                    ids.add(json.loads(line)["id"])
                except (ValueError, KeyError):
                    pass  # a line cut by a kill: that id is trained again
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--dataset", default="digits", choices=["digits", "breast_cancer", "wine"])
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--epochs", type=int, default=27)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    data = load(a.dataset)
    have = done_ids(a.out)
    t0 = time.time()
    made = 0
    with open(a.out, "a") as out:
        for i in range(a.n):
            if i in have:
                continue
            cfg = sample_config(a.seed, i)
            errors = curve(cfg, data, a.epochs, seed=i)
            out.write(json.dumps({"id": i, "dataset": a.dataset, "config": cfg,
                                  "val_error": errors}) + "\n")
            out.flush()
            made += 1
            if made % 50 == 0:
                print("%s: %d new, %.2f s each" % (a.out, made, (time.time() - t0) / made),
                      file=sys.stderr)
    print("%s: %d configurations (%d new)" % (a.out, len(have) + made, made), file=sys.stderr)


if __name__ == "__main__":
    main()
