#!/usr/bin/python3
"""Optuna 3.1 JournalFileStorage load time: build D/journal.log holding N finished
trials of the seed's MLP space (one process, optuna.trial.create_trial +
study.add_trials), then, in a fresh process, time loading the study from the
journal and building study.trials_dataframe(). Prints one JSON line:
{"build_seconds", "load_seconds", "dataframe_seconds", ...}.

Run with Debian's /usr/bin/python3. load_seconds = JournalStorage(...) (which
replays the whole log) + load_study + get_trials; optuna's import time is
reported separately (import_seconds) and not included. max_rss_kb is the loading
process's peak memory (with the import). --skip-build reuses an
existing journal (build_seconds is then null).

Building writes one fsync'ed, lock-protected journal record per trial (that is
how add_trial works on a JournalStorage), about 1,000 trials/s here.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

STUDY = "journal_load"


def _imports():
    t0 = time.perf_counter()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import optuna  # noqa: F401
    from _space import quiet
    quiet()
    return optuna, time.perf_counter() - t0


def build(path, n, seed):
    optuna, _ = _imports()
    from optuna.storages import JournalFileStorage, JournalStorage
    from _space import DISTRIBUTIONS, FIXED, HIDDEN
    for p in (path, path + ".lock"):
        if os.path.lexists(p):
            os.unlink(p)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    study = optuna.create_study(study_name=STUDY, direction="minimize",
                                storage=JournalStorage(JournalFileStorage(path)))
    batch = []
    for i in range(n):
        params = {
            "hidden_sizes": rng.choice(HIDDEN),
            "lr": 10 ** rng.uniform(-4, -2),
            "weight_decay": 10 ** rng.uniform(-5, -3),
            "batch_size": rng.choice([32, 64, 128]),
            "max_epochs": rng.choice([50, 100]),
        }
        batch.append(optuna.trial.create_trial(
            params=params, distributions=DISTRIBUTIONS, value=rng.random(),
            user_attrs={"training_time": rng.uniform(10, 1000), **FIXED}))
        if len(batch) == 1000:
            study.add_trials(batch)
            batch = []
    study.add_trials(batch)
    return time.perf_counter() - t0


def load(path):
    """Runs in a fresh process; prints a JSON object with the timings."""
    optuna, import_s = _imports()
    from optuna.storages import JournalFileStorage, JournalStorage
    t0 = time.perf_counter()
    storage = JournalStorage(JournalFileStorage(path))
    study = optuna.load_study(study_name=STUDY, storage=storage)
    trials = study.get_trials(deepcopy=False)
    t1 = time.perf_counter()
    df = study.trials_dataframe()
    t2 = time.perf_counter()
    import resource
    print(json.dumps({"import_seconds": round(import_s, 4), "load_seconds": round(t1 - t0, 4),
                      "dataframe_seconds": round(t2 - t1, 4), "loaded_trials": len(trials),
                      "dataframe_shape": list(df.shape),
                      "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="finished trials (default 10000)")
    ap.add_argument("--dir", required=True, help="folder for journal.log")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--skip-build", action="store_true", help="reuse D/journal.log")
    ap.add_argument("--phase", choices=["all", "load"], default="all", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    path = os.path.join(args.dir, "journal.log")
    if args.phase == "load":
        load(path)
        return 0

    build_s = None if args.skip_build else build(path, args.n, args.seed)
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--phase", "load",
                          "--dir", args.dir], stdout=subprocess.PIPE, check=True)
    res = json.loads(out.stdout.decode().strip().splitlines()[-1])
    import optuna
    print(json.dumps({"tool": "optuna", "bench": "journal_load", "optuna": optuna.__version__,
                      "trials": res["loaded_trials"],
                      "build_seconds": None if build_s is None else round(build_s, 4),
                      "load_seconds": res["load_seconds"],
                      "dataframe_seconds": res["dataframe_seconds"],
                      "import_seconds": res["import_seconds"],
                      "dataframe_shape": res["dataframe_shape"],
                      "max_rss_kb": res["max_rss_kb"],
                      "journal_bytes": os.path.getsize(path)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
