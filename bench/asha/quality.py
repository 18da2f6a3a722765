#!/usr/bin/python3
"""Early-stopping quality benchmark (issue 14): our ASHA through the real tools, against plain
random search and Optuna 3.1's SuccessiveHalvingPruner, replaying learning-curve tables.

  /usr/bin/python3 bench/asha/quality.py --prefix PREFIX --seeds 100 [options]

PREFIX holds bin/hpo-sample, bin/hpo-submit, bin/hpo-collect (an install prefix or a build
folder with tools/). Run by bench/asha/run_quality.sh, which also compiles table_trial.c.

What each method is (per dataset table, number of workers W, seed s):
- asha: a campaign through the real tools: `hpo-sample -n K --config cfg | hpo-submit --local
  --config cfg`, then `hpo-collect`; space `row: {randint: [0, N-1]}`, pruner asha
  (min_resource 1, max_resource 27, reduction_factor 3), hpo.seed s, max_concurrent_jobs W.
  The trial is table_trial (C): it replays its row's curve, one epoch at a time (sleeping
  --sleep-ms per epoch when W > 1, so that the order of events follows the epochs), calls
  $HPO_PRUNE at steps 1, 3, 9 and writes {"error": <epoch-27 error>} at the end. Each campaign
  runs in a fresh temporary folder (tmpfs when there is one), stopped (SIGINT to hpo-submit)
  once the finished and pruned trials hold more than the largest budget and a top-2% trial has
  finished, read, and deleted.
- random: plain random search on the same rows (hpo-sample with the same seed: trial i is the
  same row in both): trial i costs 27 epochs, its result is its row's epoch-27 error.
- optuna: Optuna 3.1, create_study(sampler=RandomSampler(seed=s),
  pruner=SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)) through ask/tell,
  suggest_int("row", 0, N-1), report(error, epoch) and should_prune() after epochs 1..26,
  tell(epoch-27 error) after epoch 27 (nothing left to save by stopping a finished training);
  W trials in flight, simulated (below).
- optuna-same-rows (validation): the same, but trial i gets our trial i's row (a sampler that
  returns it), so the pruning rules are compared on identical configurations.
- asha-sim (validation): our rule (lib/pruner.cpp: continue iff among the best
  max(1, floor(n/eta)) of the n values at the rung, own included; ties continue) replayed in
  Python on our rows with the same simulated clock. With W = 1 it must equal the tools exactly.

How compute is counted (epochs), also under asynchrony: compute(t) = the number of epochs
that all trials together had finished by time t, the ones of trials still running included.
A trial "completes" when it finishes epoch 27; an event at time t costs compute(t).
- tools: every epoch's end time is logged by the trial (epochs.log, CLOCK_REALTIME), so
  compute(t) = the number of logged epoch ends <= t over all trials (also those pruned later
  and those still running). Time the tools spend between epochs (starting runners, hpo-prune)
  is not compute.
- simulations (optuna, optuna-same-rows, asha-sim, random with W workers): W workers each run
  one epoch per time unit without pause; a worker whose trial ends takes the next trial at
  once (Optuna: the in-flight trial whose worker has run the fewest epochs is advanced next,
  ties by worker index). At time t every worker has run t epochs: compute(t) = W t. Random
  search with W workers runs trials in waves of W, trial i completing at compute
  27 W (floor(i/W) + 1).
Metrics: (a) compute until the first trial with a top-2% configuration completes (top-2%: the
table's rows whose epoch-27 error is <= the error of its ceil(0.02 N)-th best row; with ties
this can be more than 2% of the table, the fraction is printed); (b) the best epoch-27 error
among the trials completed within a budget of 10, 30, 100 full trainings (270, 810, 2700
epochs of compute).
"""

import argparse
import gzip
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from bisect import bisect_right

import warnings

import numpy as np
from scipy import stats

warnings.filterwarnings("ignore", module="scipy")

E = 27                      # epochs of a full training (max_resource)
ETA = 3
RUNGS = (1, 3, 9)           # min_resource * eta^k below max_resource
BUDGETS = (10, 30, 100)     # full trainings
TOP_FRACTION = 0.02
DATASETS = ("wine", "breast_cancer", "digits")


# ---------------------------------------------------------------- tables

def load_table(path):
    opener = gzip.open if path.endswith(".gz") else open
    rows = {}
    with opener(path, "rt") as f:
        for line in f:
            r = json.loads(line)
            rows[r["id"]] = r["val_error"]
    ids = sorted(rows)
    if ids != list(range(len(ids))):
        raise SystemExit("%s: ids are not 0..N-1" % path)
    curves = np.array([rows[i] for i in ids], dtype=float)
    if curves.shape[1] != E:
        raise SystemExit("%s: curves of %d epochs, want %d" % (path, curves.shape[1], E))
    return curves


def top_set(final):
    n = len(final)
    k = max(1, math.ceil(TOP_FRACTION * n))
    threshold = np.sort(final)[k - 1]
    return final <= threshold, threshold


def find_table(tables_dir, ds):
    for name in ("curves_%s.jsonl.gz" % ds, "curves_%s.jsonl" % ds):
        p = os.path.join(tables_dir, name)
        if os.path.exists(p):
            return p
    return None


# ---------------------------------------------------------------- outcomes
# A run's outcome: the completions, in completion order, as (compute at completion, row),
# and the compute the run covered (metrics beyond it are censored).

class Outcome:
    def __init__(self, completions, covered, extra=None):
        self.completions = sorted(completions)
        self.covered = covered
        self.extra = extra or {}

    def to_top(self, is_top):
        for c, row in self.completions:
            if is_top[row]:
                return c
        return math.inf  # censored: not reached within self.covered

    def best_within(self, budget_epochs, final):
        if budget_epochs > self.covered:
            return math.nan
        best = math.inf
        for c, row in self.completions:
            if c > budget_epochs:
                break
            best = min(best, final[row])
        return best if best < math.inf else math.nan  # nan: nothing completed within it


def random_search(rows, workers):
    comp = [(E * workers * (i // workers + 1), r) for i, r in enumerate(rows)]
    return Outcome(comp, covered=E * workers * (len(rows) // workers))


class Clock:
    """W workers, one epoch per time unit each; advance the one that has run the fewest."""

    def __init__(self, workers):
        self.t = [0] * workers

    def next_worker(self):
        return min(range(len(self.t)), key=lambda w: (self.t[w], w))


def asha_sim(rows, curves, workers, max_compute, is_top, cap=40):
    """Our rule (lib/pruner.cpp AshaVerdict, min_trials 1) in Python, simulated clock."""
    final = curves[:, -1]
    rung_values = {r: [] for r in RUNGS}
    clock = Clock(workers)
    nxt = 0
    slot = [None] * workers  # (row, epochs run)

    def start(w):
        nonlocal nxt
        slot[w] = [rows[nxt], 0]
        nxt += 1

    for w in range(workers):
        start(w)
    completions, pruned, top_done = [], 0, False
    while True:
        w = clock.next_worker()
        if nxt >= len(rows) or clock.t[w] * workers >= cap * max_compute or (
                clock.t[w] * workers >= max_compute and top_done):
            break
        clock.t[w] += 1
        s = slot[w]
        s[1] += 1
        e = s[1]
        if e == E:
            completions.append((workers * clock.t[w], s[0]))
            top_done = top_done or bool(is_top[s[0]])
            start(w)
        elif e in rung_values:
            v = curves[s[0], e - 1]
            vals = rung_values[e]
            vals.append(v)
            keep = max(1, len(vals) // ETA)
            if not v <= np.partition(vals, keep - 1)[keep - 1]:
                pruned += 1
                start(w)
    return Outcome(completions, covered=workers * min(clock.t), extra={"pruned": pruned})


def optuna_run(curves, workers, seed, max_compute, is_top, rows=None, cap=40):
    import optuna
    from optuna.samplers import BaseSampler, RandomSampler
    from optuna.pruners import SuccessiveHalvingPruner
    from optuna.trial import TrialState
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    n = len(curves)

    if rows is None:
        sampler = RandomSampler(seed=seed)
    else:
        class RowSampler(BaseSampler):  # trial number i gets our trial i's row
            def infer_relative_search_space(self, study, trial):
                return {}

            def sample_relative(self, study, trial, search_space):
                return {}

            def sample_independent(self, study, trial, name, distribution):
                return int(rows[trial.number])

        sampler = RowSampler()
    study = optuna.create_study(direction="minimize", sampler=sampler,
                                pruner=SuccessiveHalvingPruner(min_resource=1, reduction_factor=ETA))
    clock = Clock(workers)
    slot = [None] * workers

    def start(w):
        t = study.ask()
        slot[w] = [t, t.suggest_int("row", 0, n - 1), 0]

    for w in range(workers):
        start(w)
    completions, pruned, top_done = [], 0, False
    while True:
        w = clock.next_worker()
        if clock.t[w] * workers >= cap * max_compute or (
                clock.t[w] * workers >= max_compute and top_done) or (
                rows is not None and slot[w][0].number >= len(rows) - workers):
            break
        clock.t[w] += 1
        s = slot[w]
        s[2] += 1
        trial, row, e = s
        v = float(curves[row, e - 1])
        if e == E:
            study.tell(trial, v)
            completions.append((workers * clock.t[w], row))
            top_done = top_done or bool(is_top[row])
            start(w)
        else:
            trial.report(v, e)
            if trial.should_prune():
                study.tell(trial, state=TrialState.PRUNED)
                pruned += 1
                start(w)
    return Outcome(completions, covered=workers * min(clock.t), extra={"pruned": pruned})


# ---------------------------------------------------------------- the real tools

def tool(prefix, name):
    for p in (os.path.join(prefix, "bin", name), os.path.join(prefix, "tools", name)):
        if os.access(p, os.X_OK):
            return p
    raise SystemExit("no %s under %s (bin/ or tools/)" % (name, prefix))


def sample_rows(prefix, cfg, k, cwd):
    out = subprocess.run([tool(prefix, "hpo-sample"), "-n", str(k), "--config", cfg],
                         cwd=cwd, check=True, capture_output=True, text=True).stdout
    rows = []
    for i, line in enumerate(out.splitlines()):
        rec = json.loads(line)
        assert rec["trial_id"] == i, rec
        rows.append(int(rec["config"]["row"]))
    return rows, out


def write_config(path, n_rows, trial_bin, curves_txt, sleep_ms, workers, seed, k, out_dir):
    cmd = [trial_bin, curves_txt, "{row}", str(sleep_ms), ",".join(map(str, RUNGS))]
    with open(path, "w") as f:
        f.write("space:\n  row: {randint: [0, %d]}\n" % (n_rows - 1))
        f.write("trial:\n  command: %s\n" % json.dumps(cmd))
        f.write("hpo:\n  n_trials: %d\n  max_concurrent_jobs: %d\n  output_dir: %s\n"
                "  seed: %d\n  metric: error\n  mode: min\n" % (k, workers, out_dir, seed))
        f.write("pruner:\n  kind: asha\n  min_resource: 1\n  max_resource: %d\n"
                "  reduction_factor: %d\n" % (E, ETA))


def read_json(path):
    with open(path) as f:
        return json.load(f)


def trial_id_of(name):
    # trial_<i>.json
    if name.startswith("trial_") and name.endswith(".json"):
        try:
            return int(name[6:-5])
        except ValueError:
            return None
    return None


def pruned_step(rec):
    p = rec.get("pruned")
    if isinstance(p, dict) and "step" in p:
        return int(p["step"])
    return None


def run_tools(prefix, trial_bin, curves_txt, curves, is_top, ds, workers, seed, k, sleep_ms,
              max_compute, tmp_root, poll, keep_failed):
    final = curves[:, -1]
    work = tempfile.mkdtemp(prefix="hpo-q-%s-w%d-s%d-" % (ds, workers, seed), dir=tmp_root)
    camp = os.path.join(work, "campaign")
    cfg = os.path.join(work, "hpo.yaml")
    write_config(cfg, len(curves), trial_bin, curves_txt, sleep_ms, workers, seed, k, camp)
    t0 = time.time()
    rows, text = sample_rows(prefix, cfg, k, work)
    log = open(os.path.join(work, "submit.log"), "w")
    sub = subprocess.Popen([tool(prefix, "hpo-submit"), "--local", "--config", cfg], cwd=work,
                           stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                           text=True)
    sub.stdin.write(text)
    sub.stdin.close()
    res_dir, pr_dir = os.path.join(camp, "results"), os.path.join(camp, "pruned")
    seen, ended_epochs, top_done, stopped = set(), 0, False, False
    while sub.poll() is None:
        time.sleep(poll)
        for d, is_result in ((res_dir, True), (pr_dir, False)):
            try:
                names = os.listdir(d)
            except FileNotFoundError:
                continue
            for name in names:
                i = trial_id_of(name)
                if i is None or i in seen:
                    continue
                if is_result:
                    ended_epochs += E
                    top_done = top_done or bool(is_top[rows[i]])
                else:
                    try:
                        st = pruned_step(read_json(os.path.join(d, name)))
                    except (OSError, ValueError):
                        continue  # read it next time
                    ended_epochs += st or 0
                seen.add(i)
        if ended_epochs > max_compute and top_done:
            sub.send_signal(signal.SIGINT)
            stopped = True
            break
    rc_submit = sub.wait()
    log.close()
    run_secs = time.time() - t0
    col = subprocess.run([tool(prefix, "hpo-collect"), camp], cwd=work, capture_output=True,
                         text=True)
    # Read the records and the epoch logs.
    problems = []
    state = {}
    for d, st in ((res_dir, "finished"), (pr_dir, "pruned")):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            i = trial_id_of(name)
            if i is None:
                continue
            rec = read_json(os.path.join(d, name))
            if st == "finished":
                err = rec.get("error")
                if err is None or abs(err - final[rows[i]]) > 1e-9:
                    problems.append("trial %d: result error %r, table %r" % (i, err, final[rows[i]]))
                state[i] = (st, E)
            else:
                state[i] = (st, pruned_step(rec))
    failed = os.listdir(os.path.join(camp, "failed")) if os.path.isdir(os.path.join(camp, "failed")) else []
    if failed:
        problems.append("%d failed trials: %s" % (len(failed), sorted(failed)[:5]))
    times, ends = [], {}
    trials_root = os.path.join(camp, "trials")
    for name in os.listdir(trials_root) if os.path.isdir(trials_root) else []:
        if not name.startswith("trial_"):
            continue
        i = int(name[6:])
        p = os.path.join(trials_root, name, "epochs.log")
        if not os.path.exists(p):
            continue
        last = 0
        with open(p) as f:
            for line in f:
                e, t = line.split()
                e, t = int(e), int(t)
                times.append(t)
                last = e
                if e == E:
                    ends[i] = t
        st = state.get(i)
        if st and st[1] != last:
            problems.append("trial %d: %s at step %s, epochs.log ran %d" % (i, st[0], st[1], last))
        if i in ends and (not st or st[0] != "finished"):
            if not stopped:
                problems.append("trial %d ran %d epochs but is not finished" % (i, E))
    times.sort()
    completions = [(bisect_right(times, t), rows[i]) for i, t in ends.items()]
    n_pruned = sum(1 for s in state.values() if s[0] == "pruned")
    rung_pruned = {}
    for s in state.values():
        if s[0] == "pruned":
            rung_pruned[s[1]] = rung_pruned.get(s[1], 0) + 1
    extra = {"pruned": n_pruned, "finished": sum(1 for s in state.values() if s[0] == "finished"),
             "trials_started": len(state), "run_secs": run_secs, "rc_submit": rc_submit,
             "rc_collect": col.returncode, "stopped": stopped, "problems": problems,
             "rows": rows[:len(state) + workers + 5], "pruned_at": rung_pruned}
    if col.returncode != 0:
        problems.append("hpo-collect exit %d: %s" % (col.returncode, col.stderr.strip()[-300:]))
    if problems and keep_failed:
        extra["kept"] = work
    else:
        shutil.rmtree(work, ignore_errors=True)
    return Outcome(completions, covered=len(times), extra=extra), rows


# ---------------------------------------------------------------- statistics

def wilcoxon(x, alternative="two-sided"):
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    nz = int(np.sum(x != 0))
    if nz == 0:
        return 1.0, nz
    try:
        return float(stats.wilcoxon(x, zero_method="wilcox", alternative=alternative).pvalue), nz
    except ValueError:
        return 1.0, nz


def fmt_p(p):
    return "%.2g" % p if p >= 1e-4 else "<1e-4"


def med_iqr(v):
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return "-"
    q1, m, q3 = np.percentile(v, [25, 50, 75])
    return "%.0f (%.0f-%.0f)" % (m, q1, q3)


def med_iqr_err(v):
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return "-"
    q1, m, q3 = np.percentile(v, [25, 50, 75])
    return "%.4f (%.4f-%.4f)" % (m, q1, q3)


def ratio_stats(num, den, goal=None):
    """Per-seed ratios num/den of compute (paired), their median, and Wilcoxon tests on the
    log ratio: two-sided against 1, and (goal) one-sided against the goal both ways."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    ok = np.isfinite(num) & np.isfinite(den) & (num > 0) & (den > 0)
    lr = np.log(num[ok] / den[ok])
    out = {"n": int(ok.sum()), "median_ratio": float(np.exp(np.median(lr))) if ok.any() else math.nan,
           "ratio_of_means": float(num[ok].mean() / den[ok].mean()) if ok.any() else math.nan}
    out["p"], out["nonzero"] = wilcoxon(lr)
    if goal:
        out["p_goal_met"], _ = wilcoxon(lr - math.log(goal), "greater")
        out["p_goal_missed"], _ = wilcoxon(lr - math.log(goal), "less")
    return out


def diff_stats(a, b):
    """Paired errors a - b (negative: a better)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    d = a[ok] - b[ok]
    p, nz = wilcoxon(d)
    p_worse, _ = wilcoxon(d, "greater")
    return {"n": int(ok.sum()), "median_diff": float(np.median(d)) if len(d) else math.nan,
            "mean_diff": float(np.mean(d)) if len(d) else math.nan,
            "better": int(np.sum(d < 0)), "ties": int(np.sum(d == 0)), "worse": int(np.sum(d > 0)),
            "p": p, "p_worse": p_worse}


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--prefix", required=True, help="install prefix or build folder")
    ap.add_argument("--trial-bin", required=True, help="compiled table_trial")
    ap.add_argument("--tables", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--workers", default="1,8")
    ap.add_argument("--seeds", type=int, default=100, help="seeds of the tool campaigns")
    ap.add_argument("--seeds-for", default="",
                    help="overrides, e.g. wine:8=30,breast_cancer:8=30")
    ap.add_argument("--sim-seeds", type=int, default=0,
                    help="seeds of the simulated methods (default: as the tool campaigns)")
    ap.add_argument("--sleep-ms", type=int, default=40, help="per epoch, when workers > 1")
    ap.add_argument("--trials", type=int, default=4000, help="K: trials sampled per campaign")
    ap.add_argument("--poll", type=float, default=0.3)
    ap.add_argument("--tmp", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    ap.add_argument("--json", help="write every run's metrics here")
    ap.add_argument("--markdown", help="write the tables here (also printed)")
    ap.add_argument("--keep-failed", action="store_true")
    ap.add_argument("--no-tools", action="store_true", help="simulations only (a dry run)")
    ap.add_argument("--merge", nargs="+", metavar="JSON",
                    help="render the runs of earlier --json files together; run nothing")
    a = ap.parse_args()
    if a.merge:
        runs, tables_info, elapsed = [], {}, 0.0
        for p in a.merge:
            with open(p) as f:
                d = json.load(f)
            runs += d["runs"]
            tables_info.update(d["tables"])
            elapsed += d["elapsed"]
        md = render(runs, tables_info, elapsed, a)
        print(md)
        if a.markdown:
            with open(a.markdown, "w") as f:
                f.write(md)
        return

    datasets = [d for d in a.datasets.split(",") if d]
    workers_list = [int(w) for w in a.workers.split(",")]
    seeds_for = {}
    for item in filter(None, a.seeds_for.split(",")):
        key, n = item.split("=")
        ds, w = key.split(":")
        seeds_for[(ds, int(w))] = int(n)
    max_compute = E * max(BUDGETS)
    tmp_root = tempfile.mkdtemp(prefix="hpo-quality-", dir=a.tmp)
    started = time.time()
    runs = []          # dicts: method, dataset, workers, seed, to_top, best@B, extra
    tables_info = {}
    try:
        for ds in datasets:
            path = find_table(a.tables, ds)
            if not path:
                print("no table for %s in %s: skipped" % (ds, a.tables), file=sys.stderr)
                continue
            curves = load_table(path)
            final = curves[:, -1]
            is_top, thr = top_set(final)
            rho = [stats.spearmanr(curves[:, r - 1], final).correlation for r in RUNGS]
            tables_info[ds] = {"rows": len(curves), "top_threshold": float(thr),
                               "top_fraction": float(is_top.mean()), "table": os.path.basename(path),
                               "spearman_rungs": rho}
            curves_txt = os.path.join(tmp_root, "curves_%s.txt" % ds)
            with open(curves_txt, "w") as f:
                for c in curves:
                    f.write(" ".join(repr(float(v)) for v in c) + "\n")
            # table_trial passes the table's text to hpo-prune; repr(float) round-trips.
            for w in workers_list:
                n_tools = 0 if a.no_tools else seeds_for.get((ds, w), a.seeds)
                n_sim = max(a.sim_seeds or a.seeds, n_tools)
                t_ds = time.time()
                for seed in range(n_sim):
                    rec = {"dataset": ds, "workers": w, "seed": seed}
                    if seed < n_tools:
                        out, rows = run_tools(a.prefix, a.trial_bin, curves_txt, curves, is_top, ds,
                                              w, seed, a.trials, a.sleep_ms if w > 1 else 0,
                                              max_compute, tmp_root, a.poll, a.keep_failed)
                        outcomes = {"asha": out}
                    else:
                        # rows of hpo-sample without a campaign
                        d = tempfile.mkdtemp(dir=tmp_root)
                        cfg = os.path.join(d, "hpo.yaml")
                        write_config(cfg, len(curves), a.trial_bin, curves_txt, 0, w, seed,
                                     a.trials, os.path.join(d, "c"))
                        rows, _ = sample_rows(a.prefix, cfg, a.trials, d)
                        shutil.rmtree(d)
                        outcomes = {}
                    outcomes["random"] = random_search(rows, w)
                    outcomes["asha-sim"] = asha_sim(rows, curves, w, max_compute, is_top)
                    outcomes["optuna"] = optuna_run(curves, w, seed, max_compute, is_top)
                    outcomes["optuna-same-rows"] = optuna_run(curves, w, seed, max_compute, is_top,
                                                              rows=rows)
                    for m, o in outcomes.items():
                        r = dict(rec, method=m, to_top=o.to_top(is_top), covered=o.covered,
                                 extra={k: v for k, v in o.extra.items() if k != "rows"})
                        for b in BUDGETS:
                            r["best@%d" % b] = o.best_within(b * E, final)
                        if m == "asha" and w == 1:
                            # must equal the simulation of the same rule on the same rows
                            sim = outcomes["asha-sim"]
                            lim = max_compute
                            a1 = [c for c in o.completions if c[0] <= lim]
                            s1 = [c for c in sim.completions if c[0] <= lim]
                            r["extra"]["equals_sim"] = a1 == s1
                        runs.append(r)
                    if seed < n_tools:
                        x = out.extra
                        print("%s w=%d seed %d: %.1f s, %d trials (%d pruned), to top-2%% %s, "
                              "best@100 %.4f%s" % (ds, w, seed, x["run_secs"], x["trials_started"],
                                                 x["pruned"], out.to_top(is_top),
                                                 out.best_within(max_compute, final),
                                                 "; PROBLEMS: %s" % x["problems"][:3]
                                                 if x["problems"] else ""), file=sys.stderr)
                print("%s w=%d: %d tool seeds, %d simulated, %.0f s" %
                      (ds, w, n_tools, n_sim, time.time() - t_ds), file=sys.stderr)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)
    elapsed = time.time() - started
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"tables": tables_info, "runs": runs, "elapsed": elapsed,
                       "args": vars(a)}, f)
    md = render(runs, tables_info, elapsed, a)
    print(md)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)


def render(runs, tables_info, elapsed, a):
    from collections import defaultdict
    by = defaultdict(dict)  # (ds, w) -> method -> seed -> run
    for r in runs:
        by[(r["dataset"], r["workers"])].setdefault(r["method"], {})[r["seed"]] = r
    L = []
    L.append("### Tables replayed\n")
    L.append("| dataset | rows | top-2% threshold (epoch-27 error) | rows at or below it | "
             "Spearman of epoch 1 / 3 / 9 error with epoch 27 |")
    L.append("|---|---|---|---|---|")
    for ds, t in tables_info.items():
        L.append("| %s | %d | %.4f | %.1f%% | %s |" % (ds, t["rows"], t["top_threshold"],
                                                      100 * t["top_fraction"],
                                                      " / ".join("%.2f" % x for x in t["spearman_rungs"])))
    methods = ["random", "asha", "optuna", "optuna-same-rows", "asha-sim"]
    L.append("\n### (a) Compute (epochs) until a top-2% configuration has completed 27 epochs\n")
    L.append("Median (interquartile range) over seeds; `n` = seeds. Ratios are medians of the "
             "per-seed ratios (paired by seed; random search and asha share the rows), p = "
             "two-sided Wilcoxon signed-rank on the log ratios; goal p = one-sided Wilcoxon that "
             "the ratio exceeds the goal (met) / falls short of it (missed).\n")
    L.append("| dataset | W | n (tools/sim) | random | asha (tools) | optuna | optuna same rows | "
             "asha sim | random/asha | goal | goal met p / missed p | optuna/asha (p) |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    summary = []
    for (ds, w), mm in sorted(by.items(), key=lambda kv: (kv[0][1], DATASETS.index(kv[0][0]))):
        seeds_tools = sorted(mm.get("asha", {}))
        cells = []
        for m in methods:
            d = mm.get(m, {})
            vals = [d[s]["to_top"] for s in sorted(d)]
            cens = sum(1 for v in vals if not math.isfinite(v))
            cells.append(med_iqr(vals) + (" [%d censored]" % cens if cens else ""))
        goal = 3 if w == 1 else 2
        rs = ratio_stats([mm["random"][s]["to_top"] for s in seeds_tools],
                         [mm["asha"][s]["to_top"] for s in seeds_tools], goal)
        ro = ratio_stats([mm["optuna"][s]["to_top"] for s in seeds_tools],
                         [mm["asha"][s]["to_top"] for s in seeds_tools])
        n_sim = len(mm.get("random", {}))
        L.append("| %s | %d | %d/%d | %s | %.2fx (p %s) | >=%dx | %s / %s | %.2fx (p %s) |" % (
            ds, w, len(seeds_tools), n_sim, " | ".join(cells), rs["median_ratio"], fmt_p(rs["p"]),
            goal, fmt_p(rs["p_goal_met"]), fmt_p(rs["p_goal_missed"]), ro["median_ratio"],
            fmt_p(ro["p"])))
        summary.append((ds, w, rs, ro, goal))
    L.append("\n### (b) Best epoch-27 error among trials completed within a budget\n")
    L.append("Budget B full trainings = 27 B epochs of compute. Median (IQR) of the best error; "
             "asha-random and asha-optuna: paired differences (negative: asha better), "
             "better/tied/worse seeds, two-sided Wilcoxon p (ties dropped), and the one-sided "
             "p that asha is worse.\n")
    L.append("| dataset | W | B | random | asha (tools) | optuna | optuna same rows | "
             "asha - random: mean; b/t/w; p | asha - optuna: mean; b/t/w; p; p(worse) |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    bsum = []
    for (ds, w), mm in sorted(by.items(), key=lambda kv: (kv[0][1], DATASETS.index(kv[0][0]))):
        seeds_tools = sorted(mm.get("asha", {}))
        for b in BUDGETS:
            key = "best@%d" % b
            cells = []
            for m in ["random", "asha", "optuna", "optuna-same-rows"]:
                d = mm.get(m, {})
                cells.append(med_iqr_err([d[s][key] for s in sorted(d)]))
            dr = diff_stats([mm["asha"][s][key] for s in seeds_tools],
                            [mm["random"][s][key] for s in seeds_tools])
            do = diff_stats([mm["asha"][s][key] for s in seeds_tools],
                            [mm["optuna"][s][key] for s in seeds_tools])
            L.append("| %s | %d | %d | %s | %+.4f; %d/%d/%d; p %s | %+.4f; %d/%d/%d; p %s; %s |" % (
                ds, w, b, " | ".join(cells), dr["mean_diff"], dr["better"], dr["ties"], dr["worse"],
                fmt_p(dr["p"]), do["mean_diff"], do["better"], do["ties"], do["worse"],
                fmt_p(do["p"]), fmt_p(do["p_worse"])))
            bsum.append((ds, w, b, dr, do))
    # Checks of the tools.
    L.append("\n### Checks of the tool runs\n")
    probs, eq, neq, secs, trials, stopped = [], 0, 0, [], [], 0
    for r in runs:
        if r["method"] != "asha":
            continue
        x = r["extra"]
        secs.append(x["run_secs"])
        trials.append(x["trials_started"])
        stopped += bool(x["stopped"])
        for p in x["problems"]:
            probs.append("%s w=%d seed %d: %s" % (r["dataset"], r["workers"], r["seed"], p))
        if "equals_sim" in x:
            eq += bool(x["equals_sim"])
            neq += not x["equals_sim"]
    L.append("- campaigns through the tools: %d, %.1f s each on average (median %.1f), %.0f "
             "trials each on average; %d stopped once the budget and a top-2%% trial were "
             "reached" % (len(secs), np.mean(secs) if secs else 0, np.median(secs) if secs else 0,
                          np.mean(trials) if trials else 0, stopped))
    L.append("\n| dataset | W | campaigns | seconds each (median) | trials each (median) | "
             "pruned at step 1 / 3 / 9 (mean per campaign) | finished | to top-2%: tools vs "
             "asha-sim (ideal clock), median; Wilcoxon p |")
    L.append("|---|---|---|---|---|---|---|---|")
    for (ds, w), mm in sorted(by.items(), key=lambda kv: (kv[0][1], DATASETS.index(kv[0][0]))):
        ar = mm.get("asha", {})
        if not ar:
            continue
        xs = [ar[s]["extra"] for s in sorted(ar)]
        pa = [np.mean([x["pruned_at"].get(str(st), x["pruned_at"].get(st, 0)) for x in xs])
              for st in RUNGS]
        tt = [ar[s]["to_top"] for s in sorted(ar)]
        ts = [mm["asha-sim"][s]["to_top"] for s in sorted(ar)]
        rr = ratio_stats(ts, tt)
        L.append("| %s | %d | %d | %.1f | %.0f | %.0f / %.0f / %.0f | %.0f | %.0f vs %.0f; p %s |" % (
            ds, w, len(xs), np.median([x["run_secs"] for x in xs]),
            np.median([x["trials_started"] for x in xs]), pa[0], pa[1], pa[2],
            np.mean([x["finished"] for x in xs]), np.median(tt), np.median(ts), fmt_p(rr["p"])))
    L.append("")
    L.append("- 1-worker campaigns whose completions (up to 2700 epochs) equal the Python "
             "replay of the same rule on the same rows: %d of %d" % (eq, eq + neq))
    L.append("- problems (result error differing from the table, record step differing from "
             "the epochs the trial ran, failed trials, collect errors): %d%s" %
             (len(probs), "".join("\n  - " + p for p in probs[:20])))
    # Verdicts.
    L.append("\n### Goals (significance at 0.05)\n")
    for ds, w, rs, ro, goal in summary:
        verdict = ("met (significantly above %dx, p %s)" % (goal, fmt_p(rs["p_goal_met"]))
                   if rs["p_goal_met"] < 0.05 else
                   "missed (significantly below %dx, p %s)" % (goal, fmt_p(rs["p_goal_missed"]))
                   if rs["p_goal_missed"] < 0.05 else
                   "not decided (neither significantly above nor below %dx)" % goal)
        L.append("- %s, %d worker(s): asha needs %.2fx less compute than random search to a "
                 "top-2%% configuration (median of %d paired seeds; %s from 1x: p %s); goal "
                 ">= %dx: %s. Against Optuna's pruner: optuna/asha %.2fx, %s (p %s)." % (
                     ds, w, rs["median_ratio"], rs["n"],
                     "different" if rs["p"] < 0.05 else "not significantly different",
                     fmt_p(rs["p"]), goal, verdict, ro["median_ratio"],
                     "significant" if ro["p"] < 0.05 else "not significant", fmt_p(ro["p"])))
    for ds, w, b, dr, do in bsum:
        L.append("- %s, %d worker(s), budget %d: best error asha vs random %s (p %s); "
                 "vs optuna %s (p %s)%s." % (
                     ds, w, b, "better" if dr["mean_diff"] < 0 else "worse" if dr["mean_diff"] > 0
                     else "equal", fmt_p(dr["p"]) + ("" if dr["p"] < 0.05 else ", not significant"),
                     "better" if do["mean_diff"] < 0 else "worse" if do["mean_diff"] > 0 else "equal",
                     fmt_p(do["p"]) + ("" if do["p"] < 0.05 else ", not significant"),
                     "; ASHA SIGNIFICANTLY WORSE than optuna" if do["p_worse"] < 0.05 else ""))
    L.append("\nRun time: %.0f s (%.1f min)." % (elapsed, elapsed / 60))
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    main()
