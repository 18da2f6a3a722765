#!/usr/bin/python3
"""MLP example trial for hpo (the seed README's MLP example, on a real small task).

Trains scikit-learn's MLPClassifier on the digits data set (1797 8x8 images,
10 classes) epoch by epoch with ``partial_fit`` and reports the validation
error. Meant to be started by hpo-run, which sets HPO_CONFIG, HPO_RESULT,
HPO_TRIAL_DIR, ... (see python/hpo_trial.py). Run with Debian's
/usr/bin/python3 (it has scikit-learn); other interpreters may lack it.

Parameters (from the config JSON; all but hidden_sizes/lr have defaults):
  hidden_sizes   list of ints, e.g. [64, 32, 16] (also "64,32,16" or "[64, 32, 16]")
  lr             learning_rate_init of the adam solver
  weight_decay   L2 penalty (MLPClassifier's alpha)
  batch_size     minibatch size
  max_epochs     number of passes over the training set
  input_size, output_size   accepted and ignored: digits has 64 inputs and 10
                 classes, the seed's 3883/214 belong to its own data set.
  seed           optional, random_state of the network (default 0)

Result: {"error": 1 - validation accuracy, "training_time": s, "accuracy": ...,
"epochs_run": n, ...}; one line per epoch in HPO_TRIAL_DIR/progress.jsonl.

Early stopping: every epoch's validation error goes to the campaign's pruner
(hpo_trial.report_intermediate); when hpo_trial.should_prune() says so the
script stops at once and exits 0, and hpo-run records the trial as pruned.

Checkpoint/resume: every HPO_EXAMPLE_CHECKPOINT_EVERY epochs (default 5, the
seed's checkpoint_interval) and on SIGUSR2 the model is pickled to
HPO_TRIAL_DIR/mlp_checkpoint.pkl; after SIGUSR2 the script exits 75 (requeue).
A later start resumes from the checkpoint if one exists (its config must
match). The resumed run gives the same result as an uninterrupted one.

Testing knobs: HPO_EXAMPLE_SLEEP_PER_EPOCH (float seconds, default 0) sleeps
after each epoch to make trials slow.

Usage: train.py [--config PATH]   (--config overrides HPO_CONFIG)
"""

import argparse
import hashlib
import json
import os
import sys
import time


def _import_hpo_trial():
    """Find python/hpo_trial.py: $HPO_PYTHONPATH first, then ../../python."""
    extra = [p for p in os.environ.get("HPO_PYTHONPATH", "").split(os.pathsep) if p]
    here = os.path.dirname(os.path.realpath(__file__))
    extra.append(os.path.normpath(os.path.join(here, "..", "..", "python")))
    for p in reversed(extra):
        if p not in sys.path:
            sys.path.insert(0, p)
    try:
        import hpo_trial  # noqa: E402
    except ImportError:
        sys.exit("train.py: cannot import hpo_trial: set HPO_PYTHONPATH to the folder "
                 "holding hpo_trial.py (tried %s)" % ", ".join(extra))
    return hpo_trial


hpo_trial = _import_hpo_trial()

CHECKPOINT = "mlp_checkpoint.pkl"


def _env_float(name, default):
    raw = os.environ.get(name, "")
    if raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        sys.exit("train.py: %s must be a number, got %r" % (name, raw))


def parse_hidden_sizes(value):
    """[64, 32] or the string encodings "[64, 32]", "64,32", "64-32", "64x32"."""
    if isinstance(value, str):
        text = value.strip().strip("[]()")
        for sep in (" ", "-", "x"):
            text = text.replace(sep, ",")
        value = [int(p) for p in text.split(",") if p]
    if isinstance(value, int):
        value = [value]
    sizes = [int(v) for v in value]
    if not sizes or any(s <= 0 for s in sizes):
        raise ValueError("hidden_sizes must be a non-empty list of positive ints, got %r" % (value,))
    return sizes


def read_params(cfg):
    try:
        params = {
            "hidden_sizes": parse_hidden_sizes(cfg["hidden_sizes"]),
            "lr": float(cfg["lr"]),
            "weight_decay": float(cfg.get("weight_decay", 1e-4)),
            "batch_size": int(cfg.get("batch_size", 32)),
            "max_epochs": int(cfg.get("max_epochs", 50)),
            "seed": int(cfg.get("seed", 0)),
        }
    except KeyError as e:
        raise ValueError("missing parameter %s" % e)
    except (TypeError, ValueError) as e:
        raise ValueError("bad parameter value: %s" % e)
    if params["lr"] <= 0 or params["batch_size"] <= 0 or params["max_epochs"] < 1 \
            or params["weight_decay"] < 0:
        raise ValueError("lr, batch_size, max_epochs must be > 0, weight_decay >= 0: %r" % params)
    # input_size / output_size are ignored on purpose (digits: 64 inputs, 10 classes).
    return params


def load_data():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    X, y = load_digits(return_X_y=True)
    X = X / 16.0  # pixel values are 0..16
    # fixed split: every trial sees the same train/validation sets
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", help="config JSON (overrides HPO_CONFIG)")
    args = ap.parse_args(argv)

    try:
        cfg = hpo_trial.config(args.config)
        params = read_params(cfg)
        # fail before training, not after, when run outside the runner
        hpo_trial.result_path()
        tdir = hpo_trial.trial_dir()
    except (hpo_trial.HpoTrialError, ValueError) as e:
        print("train.py: %s" % e, file=sys.stderr)
        return 2

    hpo_trial.install_preemption_handler()
    sleep_per_epoch = _env_float("HPO_EXAMPLE_SLEEP_PER_EPOCH", 0.0)
    ckpt_every = max(1, int(_env_float("HPO_EXAMPLE_CHECKPOINT_EVERY", 5)))

    import warnings
    import numpy as np
    from sklearn.neural_network import MLPClassifier

    Xtr, Xva, ytr, yva = load_data()
    classes = np.arange(10)
    fingerprint = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()

    state = None
    try:
        state = hpo_trial.load_checkpoint(CHECKPOINT)
    except Exception as e:  # corrupt / incompatible pickle: start over
        print("train.py: ignoring unreadable checkpoint: %s" % e, file=sys.stderr)
    if state is not None and state.get("fingerprint") != fingerprint:
        print("train.py: checkpoint is for another config, starting fresh", file=sys.stderr)
        state = None

    if state is None:
        if hpo_trial.restart_count() > 0:
            print("train.py: restart %d but no checkpoint in %s, starting fresh"
                  % (hpo_trial.restart_count(), tdir), file=sys.stderr)
        clf = MLPClassifier(hidden_layer_sizes=tuple(params["hidden_sizes"]),
                            learning_rate_init=params["lr"], alpha=params["weight_decay"],
                            batch_size=params["batch_size"], random_state=params["seed"])
        state = {"fingerprint": fingerprint, "model": clf, "epoch": 0,
                 "training_time": 0.0, "resumes": 0}
    else:
        state["resumes"] += 1
        print("train.py: resuming from epoch %d (restart %d)"
              % (state["epoch"], hpo_trial.restart_count()), file=sys.stderr)

    clf = state["model"]

    def checkpoint():
        hpo_trial.save_checkpoint(state, CHECKPOINT)

    error = accuracy = None
    if state["epoch"] > 0:
        accuracy = float(clf.score(Xva, yva))
        error = 1.0 - accuracy

    while state["epoch"] < params["max_epochs"]:
        if hpo_trial.should_stop():
            checkpoint()
            print("train.py: SIGUSR2, checkpointed at epoch %d, exiting %d for requeue"
                  % (state["epoch"], hpo_trial.EXIT_REQUEUE), file=sys.stderr)
            return hpo_trial.EXIT_REQUEUE
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning is expected per epoch
            clf.partial_fit(Xtr, ytr, classes=classes)
        accuracy = float(clf.score(Xva, yva))
        error = 1.0 - accuracy
        if sleep_per_epoch > 0:
            time.sleep(sleep_per_epoch)
        state["epoch"] += 1
        state["training_time"] += time.perf_counter() - t0
        hpo_trial.report_intermediate(state["epoch"], error, train_loss=float(clf.loss_))
        if hpo_trial.should_prune():
            # The campaign's pruner (hpo.yaml's pruner: section) judged this configuration
            # hopeless at this epoch: stop here; hpo-run records the trial as pruned.
            print("train.py: pruned at epoch %d (validation error %.4f)" % (state["epoch"], error),
                  file=sys.stderr)
            return 0
        if state["epoch"] % ckpt_every == 0 and state["epoch"] < params["max_epochs"]:
            checkpoint()

    hpo_trial.report(error,
                     training_time=round(state["training_time"], 4),
                     accuracy=accuracy,
                     epochs_run=state["epoch"],
                     final_train_loss=float(clf.loss_),
                     resumes=state["resumes"],
                     n_train=int(len(ytr)), n_validation=int(len(yva)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
