#!/usr/bin/python3
"""Optuna 3.1 with a JournalFileStorage (D/journal.log): P worker processes
(multiprocessing, fork) each run study.optimize with RandomSampler and a no-op
objective over the seed's MLP space until N trials are finished in total.
Prints one JSON line with the rate.

Run with Debian's /usr/bin/python3. "seconds" runs from just before the workers
start to the last one exiting (includes the workers' storage replay and
process start, not optuna's import). The total may overshoot N by up to P-1
(each worker checks the count before starting a trial); "trials" is the count
read back from the journal. The journal is deleted first.
"""
import argparse
import json
import multiprocessing
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optuna  # noqa: E402
from optuna.storages import JournalFileStorage, JournalStorage  # noqa: E402
from _space import quiet, suggest  # noqa: E402

STUDY = "journal_noop"


def storage(path):
    return JournalStorage(JournalFileStorage(path))


def objective(trial):
    suggest(trial)
    return 0.0


def worker(path, n, seed):
    quiet()
    study = optuna.load_study(study_name=STUDY, storage=storage(path),
                              sampler=optuna.samplers.RandomSampler(seed=seed))
    stop = optuna.study.MaxTrialsCallback(n, states=None)  # count every trial, any state
    study.optimize(objective, n_trials=n, callbacks=[stop], gc_after_trial=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="total trials (default 2000)")
    ap.add_argument("--procs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--dir", required=True, help="folder for journal.log")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    quiet()
    os.makedirs(args.dir, exist_ok=True)
    path = os.path.join(args.dir, "journal.log")
    for p in (path, path + ".lock"):
        if os.path.lexists(p):
            os.unlink(p)
    optuna.create_study(study_name=STUDY, storage=storage(path), direction="minimize")

    ctx = multiprocessing.get_context("fork")
    t0 = time.perf_counter()
    procs = [ctx.Process(target=worker, args=(path, args.n, args.seed + i))
             for i in range(args.procs)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    seconds = time.perf_counter() - t0
    bad = [p.exitcode for p in procs if p.exitcode != 0]

    study = optuna.load_study(study_name=STUDY, storage=storage(path))
    trials = study.get_trials(deepcopy=False)
    complete = sum(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    print(json.dumps({"tool": "optuna", "bench": "journal_noop", "optuna": optuna.__version__,
                      "procs": args.procs, "requested": args.n, "trials": len(trials),
                      "complete": complete, "seconds": round(seconds, 4),
                      "trials_per_second": round(complete / seconds, 2) if seconds > 0 else None,
                      "journal_bytes": os.path.getsize(path), "worker_failures": bad}))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
