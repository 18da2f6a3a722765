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
  runs in a fresh temporary folder (tmpfs when there is one); K (--trials, 4000) is far more
  than a campaign needs: it is stopped (SIGINT to hpo-submit) once the finished and pruned
  trials hold more than the largest budget and a top-2% trial has finished, then collected,
  read, and deleted.
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
  and those still running). Time the tools spend between epochs (starting runners and trials,
  hpo-prune) is not compute: a worker idles then. With one worker this changes nothing (the
  order of events is the trials' order, and the tools' runs must equal asha-sim exactly).
  With W > 1 the idle time (the "busy share" below) is not charged, which favours the tools'
  runs against the simulations, whose workers never idle; so for W > 1 the comparisons are
  also given for asha-sim, our rule on the same ideal clock as random search and optuna.
- simulations (random, asha-sim, optuna, optuna-same-rows): W workers each run one epoch per
  time unit without pause; a worker whose trial ends takes the next trial at once; the
  in-flight trial whose worker has run the fewest epochs is advanced next (ties by worker
  index). At time t every worker has run t epochs: compute(t) = W t. Random search with W
  workers runs trials in waves of W, trial i completing at compute 27 W (floor(i/W) + 1).
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

def open_json(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def write_json(path, obj):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wt") as f:
        json.dump(obj, f)


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
    busy_share = None
    if sleep_ms > 0 and times:
        span = (times[-1] - (times[0] - sleep_ms * 1e6)) / 1e9
        busy_share = len(times) * sleep_ms / 1000 / (workers * span)
    n_pruned = sum(1 for s in state.values() if s[0] == "pruned")
    rung_pruned = {}
    for s in state.values():
        if s[0] == "pruned":
            rung_pruned[s[1]] = rung_pruned.get(s[1], 0) + 1
    extra = {"pruned": n_pruned, "finished": sum(1 for s in state.values() if s[0] == "finished"),
             "trials_started": len(state), "run_secs": run_secs, "rc_submit": rc_submit,
             "rc_collect": col.returncode, "stopped": stopped, "problems": problems,
             "rows": rows[:len(state) + workers + 5], "pruned_at": rung_pruned}
    if busy_share is not None:
        extra["busy_share"] = busy_share
    if col.returncode != 0:
        problems.append("hpo-collect exit %d: %s" % (col.returncode, col.stderr.strip()[-300:]))
    if problems and keep_failed:
        extra["kept"] = work
    else:
        shutil.rmtree(work, ignore_errors=True)
    return Outcome(completions, covered=len(times), extra=extra), rows


def measure_prune_cost(prefix, trial_bin, curves_txt, n_rows, tmp_root, calls=300):
    """Milliseconds per hpo-prune call (median; each started from Python with fork/exec):
    /bin/true for the cost of starting any process, hpo-prune at a non-rung step, at a rung
    whose decision the trial already has, and at a rung of a trial not yet judged there."""
    work = tempfile.mkdtemp(prefix="hpo-q-prune-", dir=tmp_root)
    camp = os.path.join(work, "campaign")
    cfg = os.path.join(work, "hpo.yaml")
    write_config(cfg, n_rows, trial_bin, curves_txt, 0, 1, 0, 1, camp)
    _, text = sample_rows(prefix, cfg, 1, work)
    subprocess.run([tool(prefix, "hpo-submit"), "--config", cfg, "--local"], cwd=work, input=text,
                   text=True, capture_output=True)
    prune = tool(prefix, "hpo-prune")
    env = dict(os.environ, HPO_CAMPAIGN_DIR=camp, HPO_TRIAL_ID="0")
    out = {}

    def timed(argv, env_for):
        per_call = []
        for i in range(calls):
            e = env_for(i)
            t = time.perf_counter()
            subprocess.run(argv, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            per_call.append(time.perf_counter() - t)
        return 1000 * float(np.median(per_call))

    out["process start (/bin/true)"] = timed(["/bin/true"], lambda i: env)
    out["hpo-prune, non-rung step"] = timed([prune, "-q", "5", "0.5"], lambda i: env)
    out["hpo-prune, rung step, decision reused"] = timed([prune, "-q", "1", "0.5"], lambda i: env)
    # trials 1..calls were never started: give each its trial folder (what the runner
    # makes), so that each is judged once at rung 0, as a new trial would be
    for i in range(1, calls + 1):
        os.makedirs(os.path.join(camp, "trials", "trial_%d" % i), exist_ok=True)
    out["hpo-prune, rung step, first decision"] = timed(
        [prune, "-q", "1", "0.5"], lambda i: dict(env, HPO_TRIAL_ID=str(i + 1)))
    shutil.rmtree(work, ignore_errors=True)
    return out


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
    return "%.3g" % p if p >= 1e-4 else "<1e-4"


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
    # 95% paired bootstrap interval of the ratio of means (seeds resampled, 10,000 times)
    if ok.sum() > 1:
        rng = np.random.default_rng(0)
        nn, dd = num[ok], den[ok]
        idx = rng.integers(0, len(nn), (10000, len(nn)))
        boot = nn[idx].mean(axis=1) / dd[idx].mean(axis=1)
        out["means_ci"] = tuple(float(x) for x in np.percentile(boot, [2.5, 97.5]))
    else:
        out["means_ci"] = (math.nan, math.nan)
    out["less"], out["equal"], out["more"] = int(np.sum(lr > 0)), int(np.sum(lr == 0)), int(np.sum(lr < 0))
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
    ap.add_argument("--sleep-ms", type=int, default=20, help="per epoch, when workers > 1")
    ap.add_argument("--trials", type=int, default=4000, help="K: trials sampled per campaign")
    ap.add_argument("--poll", type=float, default=0.3)
    ap.add_argument("--tmp", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    ap.add_argument("--json", help="write every run's metrics here")
    ap.add_argument("--markdown", help="write the tables here (also printed)")
    ap.add_argument("--keep-failed", action="store_true")
    ap.add_argument("--no-tools", action="store_true", help="simulations only (a dry run)")
    ap.add_argument("--merge", nargs="+", metavar="JSON",
                    help="render the runs of earlier --json files together; run nothing")
    ap.add_argument("--tools-commit", default="unknown", help="for the header")
    a = ap.parse_args()
    if a.merge:
        runs, tables_info, elapsed, metas = [], {}, 0.0, []
        costs = []
        for p in a.merge:
            d = open_json(p)
            runs += d["runs"]
            for k, v in d["tables"].items():
                if k == "prune_cost_ms":
                    costs.append(("run %d" % (len(metas) + 1), v))
                elif k == "prune_cost_runs":
                    costs += [(c[0], c[1]) for c in v]
                else:
                    tables_info.setdefault(k, v)
            elapsed += d["elapsed"]
            if "pieces" in d:
                metas += d["pieces"]
            else:
                metas.append(dict(d.get("meta", {}), elapsed=d["elapsed"], args=d["args"]))
        if costs:
            tables_info["prune_cost_runs"] = costs
        if a.json:
            write_json(a.json, {"tables": tables_info, "runs": runs, "elapsed": elapsed,
                                "args": vars(a), "pieces": metas})
        md = header(metas) + render(runs, tables_info, elapsed, a)
        print(md)
        if a.markdown:
            with open(a.markdown, "w") as f:
                f.write(md)
        return
    meta = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": machine_info(), "tools_version": tools_version(a.prefix),
            "tools_commit": a.tools_commit, "command": " ".join(sys.argv)}

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
            if not a.no_tools and "prune_cost_ms" not in tables_info:
                tables_info["prune_cost_ms"] = measure_prune_cost(a.prefix, a.trial_bin,
                                                                  curves_txt, len(curves), tmp_root)
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
        write_json(a.json, {"tables": tables_info, "runs": runs, "elapsed": elapsed,
                            "args": vars(a), "meta": meta})
    md = header([dict(meta, elapsed=elapsed, args=vars(a))]) + render(runs, tables_info,
                                                                       elapsed, a)
    print(md)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)


def machine_info():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = "%.0f GB" % (int(f.readline().split()[1]) / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass
    import optuna
    import scipy
    return "%d cores (%s), %s RAM, Linux %s; Python %s, Optuna %s, SciPy %s, NumPy %s" % (
        os.cpu_count(), cpu, mem, os.uname().release, sys.version.split()[0], optuna.__version__,
        scipy.__version__, np.__version__)


def tools_version(prefix):
    try:
        return subprocess.run([tool(prefix, "hpo-sample"), "--version"], capture_output=True,
                              text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError, SystemExit):
        return "?"


def header(metas):
    L = ["# Early stopping: quality benchmark (issue 14)", "",
         "Generated by `bench/asha/quality.py` (which `bench/asha/run_quality.sh` runs)%s. The "
         "figures are epochs, not seconds: the machine's load changes only the order of events "
         "between workers (and the seconds per campaign)." % (
             ", from %d runs merged with `quality.py --merge`" % len(metas) if len(metas) > 1
             else ""), ""]
    L.append("| run | started | minutes | datasets | workers | tool seeds (overrides) | "
             "sim seeds | sleep per epoch (W > 1) | tools |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for k, m in enumerate(metas):
        ar = m["args"]
        L.append("| %d | %s | %.1f | %s | %s | %s%s | %s | %s ms | %s, commit %s |" % (
            k + 1, m.get("started", "?"), m["elapsed"] / 60, ar["datasets"], ar["workers"],
            ar["seeds"], " (%s)" % ar["seeds_for"] if ar.get("seeds_for") else "",
            ar.get("sim_seeds") or ar["seeds"], ar["sleep_ms"], m.get("tools_version", "?"),
            m.get("tools_commit", "?")))
    machines = sorted(set(m.get("machine", "?") for m in metas))
    L.append("")
    L.append("Machine: " + "; ".join(machines) + ". Shared with other work (compiles, the "
             "learning-curve build) while it ran; everything under `nice -n 10`.")
    doc = __doc__
    L.append("")
    L.append(doc[doc.index("What each method is"):].strip())
    L.append("")
    return "\n".join(L) + "\n"


def _order(by):
    return sorted(by.items(), key=lambda kv: (kv[0][1], DATASETS.index(kv[0][0])))


def _mean(v):
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else math.nan


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
        if ds in ("prune_cost_ms", "prune_cost_runs"):
            continue
        L.append("| %s | %d | %.4f | %.1f%% | %s |" % (ds, t["rows"], t["top_threshold"],
                                                      100 * t["top_fraction"],
                                                      " / ".join("%.2f" % x for x in t["spearman_rungs"])))
    methods = [("random", "random"), ("asha", "asha (tools)"), ("asha-sim", "asha sim"),
               ("optuna", "optuna"), ("optuna-same-rows", "optuna same rows")]

    L.append("\n### (a) Compute (epochs) until a top-2% configuration has completed 27 epochs\n")
    L.append("Median (interquartile range) and mean over seeds. Tools: the seeds run through "
             "the tools; sim: the seeds of the simulated methods (random, asha sim and optuna "
             "use seeds 0..sim-1; asha (tools) seeds 0..tools-1, the first of them).\n")
    L.append("| dataset | W | seeds tools/sim | " + " | ".join(n for _, n in methods) + " |")
    L.append("|---|---|---|" + "---|" * len(methods))
    for (ds, w), mm in _order(by):
        cells = []
        for m, _ in methods:
            d = mm.get(m, {})
            vals = [d[s]["to_top"] for s in sorted(d)]
            cens = sum(1 for v in vals if not math.isfinite(v))
            cells.append("%s, mean %.0f%s" % (med_iqr(vals), _mean(vals),
                                               " [%d censored]" % cens if cens else ""))
        L.append("| %s | %d | %d/%d | %s |" % (ds, w, len(mm.get("asha", {})),
                                               len(mm.get("random", {})), " | ".join(cells)))
    L.append("\nPaired comparisons (by seed; random search and asha replay the same rows, "
             "optuna draws its own). `median` is the median of the per-seed ratios, `means` the "
             "ratio of the mean compute with a 95% paired bootstrap interval (seeds resampled); p: two-sided Wilcoxon signed-rank on the log ratios "
             "(zero differences dropped); goal met / missed: one-sided Wilcoxon that the ratio is "
             "above / below the goal. With 8 workers the tools' runs are also compared through "
             "`asha sim`, our rule on the same ideal clock as random search and optuna (see the "
             "checks below for why).\n")
    L.append("| dataset | W | ours | seeds | random/ours: median, means [95% CI]; ours "
             "less/equal/more compute; p | goal | goal met p / missed p | optuna/ours: median, "
             "means [95% CI]; l/e/m; p |")
    L.append("|---|---|---|---|---|---|---|---|")
    summary = []
    for (ds, w), mm in _order(by):
        goal = 3 if w == 1 else 2
        for ours in (["asha"] if w == 1 else ["asha", "asha-sim"]):
            seeds = sorted(mm.get("asha", {})) if ours == "asha" else sorted(mm.get(ours, {}))
            if not seeds:
                continue
            rs = ratio_stats([mm["random"][s]["to_top"] for s in seeds],
                             [mm[ours][s]["to_top"] for s in seeds], goal)
            ro = ratio_stats([mm["optuna"][s]["to_top"] for s in seeds],
                             [mm[ours][s]["to_top"] for s in seeds])
            L.append("| %s | %d | %s | %d | %.2fx, %.2fx [%.2f-%.2f]; %d/%d/%d; p %s | >=%dx | "
                     "%s / %s | %.2fx, %.2fx [%.2f-%.2f]; %d/%d/%d; p %s |" % (
                         ds, w, "asha (tools)" if ours == "asha" else "asha sim", rs["n"],
                         rs["median_ratio"], rs["ratio_of_means"], rs["means_ci"][0],
                         rs["means_ci"][1], rs["less"], rs["equal"], rs["more"], fmt_p(rs["p"]),
                         goal, fmt_p(rs["p_goal_met"]), fmt_p(rs["p_goal_missed"]),
                         ro["median_ratio"], ro["ratio_of_means"], ro["means_ci"][0],
                         ro["means_ci"][1], ro["less"], ro["equal"], ro["more"], fmt_p(ro["p"])))
            summary.append((ds, w, ours, rs, ro, goal))

    L.append("\n### (b) Best epoch-27 error among trials completed within a budget\n")
    L.append("Budget B full trainings = 27 B epochs of compute. Median (IQR) and mean of the best "
             "error over seeds.\n")
    L.append("| dataset | W | B | " + " | ".join(n for _, n in methods) + " |")
    L.append("|---|---|---|" + "---|" * len(methods))
    for (ds, w), mm in _order(by):
        for b in BUDGETS:
            key = "best@%d" % b
            cells = []
            for m, _ in methods:
                d = mm.get(m, {})
                vals = [d[s][key] for s in sorted(d)]
                cells.append("%s, mean %.4f" % (med_iqr_err(vals), _mean(vals)))
            L.append("| %s | %d | %d | %s |" % (ds, w, b, " | ".join(cells)))
    L.append("\nPaired differences of the best error, ours minus the other (negative: ours "
             "better): mean difference; seeds where ours is better / tied / worse; two-sided "
             "Wilcoxon p (ties dropped); for optuna also the one-sided p that ours is worse.\n")
    L.append("| dataset | W | B | ours | seeds | ours - random | ours - optuna | p (ours worse "
             "than optuna) |")
    L.append("|---|---|---|---|---|---|---|---|")
    bsum = []
    for (ds, w), mm in _order(by):
        for b in BUDGETS:
            key = "best@%d" % b
            for ours in (["asha"] if w == 1 else ["asha", "asha-sim"]):
                seeds = sorted(mm.get("asha", {})) if ours == "asha" else sorted(mm.get(ours, {}))
                if not seeds:
                    continue
                dr = diff_stats([mm[ours][s][key] for s in seeds],
                                [mm["random"][s][key] for s in seeds])
                do = diff_stats([mm[ours][s][key] for s in seeds],
                                [mm["optuna"][s][key] for s in seeds])
                L.append("| %s | %d | %d | %s | %d | %+.4f; %d/%d/%d; p %s | %+.4f; %d/%d/%d; "
                         "p %s | %s |" % (ds, w, b, "asha (tools)" if ours == "asha" else "asha sim",
                                         dr["n"], dr["mean_diff"], dr["better"], dr["ties"],
                                         dr["worse"], fmt_p(dr["p"]), do["mean_diff"], do["better"],
                                         do["ties"], do["worse"], fmt_p(do["p"]),
                                         fmt_p(do["p_worse"])))
                bsum.append((ds, w, b, ours, dr, do))

    # Checks of the tools.
    L.append("\n### Checks of the tool runs\n")
    probs, secs, trials, stopped = [], [], [], 0
    for r in runs:
        if r["method"] != "asha":
            continue
        x = r["extra"]
        secs.append(x["run_secs"])
        trials.append(x["trials_started"])
        stopped += bool(x["stopped"])
        for p in x["problems"]:
            probs.append("%s w=%d seed %d: %s" % (r["dataset"], r["workers"], r["seed"], p))
    L.append("- campaigns through the tools: %d, %.1f s each on average (median %.1f), %.0f "
             "trials each on average; %d stopped (SIGINT to hpo-submit) once the budget and a "
             "top-2%% trial were reached" % (len(secs), _mean(secs), np.median(secs) if secs else 0,
                                              _mean(trials), stopped))
    L.append("\n| dataset | W | campaigns | seconds each (median) | trials ended each (median) | "
             "pruned at step 1 / 3 / 9 (mean per campaign) | finished (mean) | busy share of the "
             "workers' time | to top-2%: tools vs asha sim, median (mean); p | 1-worker runs "
             "equal to asha sim | optuna same rows equal to asha sim |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for (ds, w), mm in _order(by):
        ar = mm.get("asha", {})
        sim_seeds = sorted(mm.get("asha-sim", {}))
        same = sum(1 for s in sim_seeds if mm["optuna-same-rows"][s]["to_top"] ==
                   mm["asha-sim"][s]["to_top"] and all(
                       mm["optuna-same-rows"][s]["best@%d" % b] == mm["asha-sim"][s]["best@%d" % b]
                       for b in BUDGETS))
        if not ar:
            L.append("| %s | %d | 0 | - | - | - | - | - | - | - | %d of %d |" % (
                ds, w, same, len(sim_seeds)))
            continue
        xs = [ar[s]["extra"] for s in sorted(ar)]
        pa = [_mean([x["pruned_at"].get(str(st), x["pruned_at"].get(st, 0)) for x in xs])
              for st in RUNGS]
        tt = [ar[s]["to_top"] for s in sorted(ar)]
        ts = [mm["asha-sim"][s]["to_top"] for s in sorted(ar)]
        rr = ratio_stats(ts, tt)
        busy = [x["busy_share"] for x in xs if "busy_share" in x]
        eq = [x["equals_sim"] for x in xs if "equals_sim" in x]
        L.append("| %s | %d | %d | %.1f | %.0f | %.0f / %.0f / %.0f | %.0f | %s | %.0f (%.0f) vs "
                 "%.0f (%.0f); p %s | %s | %d of %d |" % (
                     ds, w, len(xs), np.median([x["run_secs"] for x in xs]),
                     np.median([x["trials_started"] for x in xs]), pa[0], pa[1], pa[2],
                     _mean([x["finished"] for x in xs]),
                     "%.0f%%" % (100 * np.median(busy)) if busy else "-",
                     np.median(tt), _mean(tt), np.median(ts), _mean(ts), fmt_p(rr["p"]),
                     "%d of %d" % (sum(eq), len(eq)) if eq else "-", same, len(sim_seeds)))
    L.append("")
    pcs = tables_info.get("prune_cost_runs") or (
        [("this run", tables_info["prune_cost_ms"])] if "prune_cost_ms" in tables_info else [])
    for label, pc in pcs:
        L.append("- cost of one call, ms, measured at the start of %s (each call started from "
                 "Python; the campaign on tmpfs; varies with the load): %s" % (
                     label, "; ".join("%s %.2f" % kv for kv in pc.items())))
    L.append("- problems (result error differing from the table, record step differing from "
             "the epochs the trial ran, failed trials, collect errors): %d%s" %
             (len(probs), "".join("\n  - " + p for p in probs[:20])))

    # Verdicts.
    L.append("\n### Goals (significance at 0.05)\n")
    for ds, w, ours, rs, ro, goal in summary:
        name = "asha (tools)" if ours == "asha" else "asha sim (ideal clock)"
        verdict = ("met (significantly above %dx, p %s)" % (goal, fmt_p(rs["p_goal_met"]))
                   if rs["p_goal_met"] < 0.05 else
                   "missed (significantly below %dx, p %s)" % (goal, fmt_p(rs["p_goal_missed"]))
                   if rs["p_goal_missed"] < 0.05 else
                   "not decided (neither significantly above nor below %dx)" % goal)
        L.append("- %s, %d worker(s), %s: random search needs %.2fx the compute (median of %d "
                 "paired seeds; ratio of means %.2fx, 95%% CI %.2f-%.2f; %s 1x, p %s) to a "
                 "top-2%% configuration; goal >= %dx (per-seed ratios): %s. Optuna needs %.2fx "
                 "(ratio of means %.2fx; %s, p %s)." % (
                     ds, w, name, rs["median_ratio"], rs["n"], rs["ratio_of_means"],
                     rs["means_ci"][0], rs["means_ci"][1],
                     "significantly different from" if rs["p"] < 0.05 else
                     "not significantly different from", fmt_p(rs["p"]), goal, verdict,
                     ro["median_ratio"], ro["ratio_of_means"],
                     "significant" if ro["p"] < 0.05 else "not significant", fmt_p(ro["p"])))
    for ds, w, b, ours, dr, do in bsum:
        def word(d):
            return ("better" if d["mean_diff"] < 0 else "worse" if d["mean_diff"] > 0 else
                    "equal on average") + (" (p %s)" % fmt_p(d["p"]) if d["p"] < 0.05 else
                                           " (not significant, p %s)" % fmt_p(d["p"]))
        L.append("- %s, %d worker(s), budget %d, %s: best error vs random %s; vs optuna %s%s." % (
            ds, w, b, "asha (tools)" if ours == "asha" else "asha sim", word(dr), word(do),
            "; SIGNIFICANTLY WORSE than optuna (one-sided p %s)" % fmt_p(do["p_worse"])
            if do["p_worse"] < 0.05 else ""))
    L.append("\nRun time: %.0f s (%.1f min)." % (elapsed, elapsed / 60))
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    main()
