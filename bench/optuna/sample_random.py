#!/usr/bin/python3
"""Optuna 3.1 RandomSampler, in-memory storage: ask the seed's MLP space N times
via ask/tell (dummy value) and print one JSON line with the rate.

Run with Debian's /usr/bin/python3 (it has optuna 3.1). Import time of optuna is
not included in "seconds". Note: in-memory ask() scans all trials for WAITING
ones, so the per-trial cost grows with N; compare rates at equal N.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optuna  # noqa: E402
from _space import quiet, suggest  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000, help="number of trials (default 20000)")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    quiet()
    t0 = time.perf_counter()
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=args.seed),
                                direction="minimize")
    for _ in range(args.n):
        trial = study.ask()
        suggest(trial)
        study.tell(trial, 0.0)
    seconds = time.perf_counter() - t0
    print(json.dumps({"tool": "optuna", "bench": "sample_random", "optuna": optuna.__version__,
                      "trials": args.n, "seed": args.seed, "seconds": round(seconds, 4),
                      "trials_per_second": round(args.n / seconds, 2) if seconds > 0 else None}))


if __name__ == "__main__":
    main()
