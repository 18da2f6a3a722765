#!/usr/bin/python3
"""Importance beside Optuna 3.1's get_param_importances (fANOVA, its default), on the same
finished trials of a synthetic objective whose truth is known: the error depends strongly
on lr, weakly on batch_size, a little on dropout, and not at all on nesterov. For each seed,
a campaign is sampled and run through the real tools (hpo-sample | hpo-submit --local),
hpo-report --format text gives our ranking, and the same trials are given to Optuna
(create_trial with the same distributions). Prints, per seed, both rankings, whether the top
parameter agrees and Spearman's rank correlation of the two importance vectors, then the
mean. On demand, not a test.

  bench/importance/compare.py BUILD_OR_PREFIX_BIN [--trials 300] [--seeds 5]
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

OBJECTIVE = r'''
import json, math, os, random
c = json.load(open(os.environ["HPO_CONFIG"]))
rng = random.Random(int(os.environ["HPO_TRIAL_ID"]))
e = (math.log10(c["lr"]) + 3) ** 2 + 0.15 * math.log2(c["batch_size"] / 16) + 0.3 * c["dropout"] + rng.gauss(0, 0.05)
with open(os.environ["HPO_RESULT"] + ".tmp", "w") as f:
    json.dump({"error": e}, f)
os.replace(os.environ["HPO_RESULT"] + ".tmp", os.environ["HPO_RESULT"])
'''

CONFIG = """space:
  lr: {loguniform: [1.0e-5, 1.0e-1]}
  batch_size: [16, 32, 64, 128, 256]
  nesterov: [true, false]
  dropout: {uniform: [0.0, 0.5]}
trial:
  command: /usr/bin/python3 %(dir)s/objective.py
hpo:
  max_concurrent_jobs: 2
  output_dir: %(dir)s/camp
  seed: %(seed)d
"""


def spearman(a, b):
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return r
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = math.sqrt(sum((x - ma) ** 2 for x in ra))
    vb = math.sqrt(sum((y - mb) ** 2 for y in rb))
    return cov / (va * vb) if va and vb else float("nan")


def ours(bin_dir, camp):
    out = subprocess.run([os.path.join(bin_dir, "hpo-report"), "--format", "text", camp],
                         check=True, capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if "importance" in l)
    return {m.group(1): float(m.group(2)) / 100 for m in re.finditer(r" (\w+) ([0-9.e+-]+)%", line)}


def optuna_importance(camp):
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists = {"lr": FloatDistribution(1e-5, 1e-1, log=True),
             "batch_size": CategoricalDistribution([16, 32, 64, 128, 256]),
             "nesterov": CategoricalDistribution([True, False]),
             "dropout": FloatDistribution(0.0, 0.5)}
    study = optuna.create_study(direction="minimize")
    results = os.path.join(camp, "results")
    for name in sorted(os.listdir(results)):
        r = json.load(open(os.path.join(results, name)))
        study.add_trial(optuna.trial.create_trial(params=r["config"], distributions=dists, value=r["error"]))
    t0 = time.time()
    imp = optuna.importance.get_param_importances(study)
    return dict(imp), time.time() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bin", help="folder of the built tools (build/tools or PREFIX/bin)")
    ap.add_argument("--trials", type=int, default=300)
    ap.add_argument("--seeds", type=int, default=5)
    a = ap.parse_args()
    bin_dir = os.path.abspath(a.bin)
    names = ["lr", "batch_size", "dropout", "nesterov"]  # the truth's order
    rows = []
    for seed in range(1, a.seeds + 1):
        with tempfile.TemporaryDirectory(prefix="hpo-imp-") as d:
            open(os.path.join(d, "objective.py"), "w").write(OBJECTIVE)
            cfg = os.path.join(d, "hpo.yaml")
            open(cfg, "w").write(CONFIG % {"dir": d, "seed": seed})
            sample = subprocess.run([os.path.join(bin_dir, "hpo-sample"), "-c", cfg, "-n", str(a.trials)],
                                    check=True, capture_output=True)
            subprocess.run([os.path.join(bin_dir, "hpo-submit"), "-c", cfg, "--local"], input=sample.stdout,
                           check=True, capture_output=True)
            subprocess.run([os.path.join(bin_dir, "hpo-collect"), os.path.join(d, "camp")], check=True,
                           capture_output=True)
            t0 = time.time()
            mine = ours(bin_dir, os.path.join(d, "camp"))
            t_ours = time.time() - t0
            theirs, t_optuna = optuna_importance(os.path.join(d, "camp"))
        a_vec = [mine.get(n, 0.0) for n in names]
        b_vec = [theirs.get(n, 0.0) for n in names]
        top_a = max(names, key=lambda n: mine.get(n, 0)); top_b = max(names, key=lambda n: theirs.get(n, 0))
        rows.append((seed, mine, theirs, top_a == top_b, spearman(a_vec, b_vec), spearman(a_vec, [4, 3, 2, 1]),
                     spearman(b_vec, [4, 3, 2, 1]), t_ours, t_optuna))
    print("trials per campaign: %d; truth: lr > batch_size > dropout > nesterov (= 0)" % a.trials)
    print("| seed | hpo (share) | Optuna fANOVA | same top | Spearman hpo~Optuna | hpo~truth | Optuna~truth | hpo-report s | Optuna s |")
    print("|---|---|---|---|---|---|---|---|---|")
    fmt = lambda m: ", ".join("%s %.3f" % (n, m.get(n, 0)) for n in sorted(m, key=lambda k: -m[k]))
    for s, mi, th, same, rho, rt_a, rt_b, ta, tb in rows:
        print("| %d | %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f |" % (s, fmt(mi), fmt(th), "yes" if same else "NO", rho, rt_a, rt_b, ta, tb))
    n = len(rows)
    print("| mean | | | %d/%d | %.2f | %.2f | %.2f | %.2f | %.2f |" % (
        sum(r[3] for r in rows), n, sum(r[4] for r in rows) / n, sum(r[5] for r in rows) / n,
        sum(r[6] for r in rows) / n, sum(r[7] for r in rows) / n, sum(r[8] for r in rows) / n))


if __name__ == "__main__":
    main()
