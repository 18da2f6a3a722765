#!/usr/bin/python3
"""Seeded fault injection against a local-backend campaign (stdlib only).

Runs a campaign of a few hundred short bash trials (0.05-0.5 s each, writing {"error": x}
atomically; hpo.max_attempts 50; more trials are added while injections remain) with
`hpo-submit --local --retry-failed` launchers and `hpo-collect` processes running side by
side, and injects SIGKILLs of two sorts, both chosen by a random.Random(--seed):
  - at random moments, a random runner (hpo-run), trial (the bash objective), hpo-collect or
    launcher (hpo-submit);
  - with strace (about --syscall-share of them), at a chosen system call: a runner, an
    hpo-collect or a launcher is started under `strace -e inject=...:signal=KILL:when=K`
    and dies on entry to its K-th rename, link or unlink, i.e. exactly between two steps of
    a publication (see PLANS). Counted only when strace shows that call was the one killed.
Dead launchers and collectors are replaced at once. Every --recovery-every injections the
campaign is brought to rest (launchers stopped with SIGTERM, collectors and runners allowed
to end, --lease-wait seconds so that a claim whose runner died is due back) and the
invariants are checked; at the end the campaign is run to completion without faults.
Prints `injections: N run, M survived`: M counts the injections after which the checks at
rest passed; exit 0 only when all did and the campaign finished.

Checked continuously, while everything runs (any moment):
  C1 state folders (pending/ running/ results/ failed/) hold only trial_<i>.json names
     (the decoys this script plants itself excepted);
  C2 every results/ file ever seen is still there, byte for byte (read back every second);
  C3 a results/ file is a JSON object with its own trial_id, state "finished", and the
     metric the trial wrote for its own config (error == x): never a temp file, never a
     decoy, never another trial's result;
  C4 a record read from any state folder is a complete JSON object with its own trial_id
     (a file may vanish between listing and opening: it was moved);
  C5 final_results.json, best_config.json and results.csv, read at random moments, are
     complete (valid JSON / CSV with the full header); the decoys never count.
Checked at rest, before the recovery hpo-collect (interrupted moves may be pending):
  R1 C1-C4 on every file; every sampled trial id is in at least one state folder;
  R2 an id in two folders is an interrupted link-then-unlink publication: the same inode.
Checked at rest, after one hpo-collect (which completes interrupted moves and settles
trials whose runner is gone) that exits 0:
  Q1 every sampled trial id is in exactly one state folder; running/ is empty;
  Q2 each record's "state" names the folder it is in;
  Q3 final_results.json counts and n_trials equal the folders; best_error is the minimum;
     results.csv has one row per finished or failed trial;
  Q4 C2 again.
At rest, too: no tool printed an error line other than ALLOWED_ERRORS.
At the end: every trial is in results/ (finished), nothing else is left.
"""

import argparse
import csv
import ctypes
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

TRIAL_NAME = re.compile(r"^trial_(0|[1-9][0-9]{0,11})\.json$")
STATES = {"pending": "pending", "running": "running", "results": "finished", "failed": "failed",
          "pruned": "pruned"}
DECOY_METRIC = -1.0  # planted decoys carry it; no real trial can (x is drawn from [0, 1])


# Syscall-targeted kills (with strace): the process dies on entry to the k-th call of one
# class, i.e. exactly between two steps of a publication. Counts are from the tools' own
# order of calls, e.g. hpo-run: rename #1 claim, #2 its running record, #3 config.json,
# #4 the final record; link #1 running -> results; unlink #1 the stale result, #2 the
# running/ name after the link (the trial is then in running/ and results/ at once).
SYSCALLS = {"rename": "rename,renameat,renameat2", "link": "link,linkat", "unlink": "unlink,unlinkat"}
PLANS = {
    "runner": [("rename", 1), ("rename", 2), ("rename", 3), ("rename", 4), ("link", 1),
               ("unlink", 1), ("unlink", 2)],
    "collect": [("rename", k) for k in range(1, 6)] + [("link", k) for k in range(1, 4)]
               + [("unlink", k) for k in range(1, 4)],
    # hpo-submit --retry-failed: link #1 campaign.json, then per retried trial: link its
    # retry claim, rename its rewrite, rename it to pending/, unlink the claim.
    "launcher": [("rename", k) for k in range(1, 5)] + [("link", k) for k in range(1, 4)]
                + [("unlink", k) for k in range(1, 4)],
}
# Error lines a tool may print under faults without anything being wrong: a runner started
# for a trial that another process was moving between folders at that instant.
ALLOWED_ERRORS = [re.compile(r"^hpo-run: error: trial \d+ is not in campaign ")]


class InvariantError(Exception):
    pass


def log(msg):
    print(f"fault_inject: {msg}", file=sys.stderr, flush=True)


def read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except (FileNotFoundError, ProcessLookupError):  # moved away; /proc entry of an exited process
        return None


def listdir(path):
    try:
        return os.listdir(path)
    except FileNotFoundError:
        return []


class Harness:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.work = os.path.abspath(args.dir)
        # A private copy of the tools: a rebuild during a long run must not swap them
        # (hpo-submit finds hpo-run beside itself).
        self.tools = os.path.join(self.work, "bin")
        os.makedirs(self.tools, exist_ok=True)
        for name in ("hpo-sample", "hpo-submit", "hpo-run", "hpo-collect"):
            shutil.copy2(os.path.join(args.tools, name), self.tools)
        self.camp = os.path.join(self.work, "camp")
        self.objective = os.path.join(self.work, "objective.sh")
        self.n_trials = 0
        self.x = {}  # trial id -> config x
        self.seen = {}  # results/ file name -> bytes first read
        self.launchers = []  # Popen
        self.collectors = []  # Popen
        self.managed = set()  # pids of Popen children (reaped by Popen)
        self.spawned = 0
        self.injections = 0
        self.survived = 0
        self.by_kind = {"runner": 0, "trial": 0, "collect": 0, "launcher": 0}
        self.checks = {"continuous": 0, "rest": 0, "decoy_reads": 0, "output_reads": 0}
        self.last_results_verify = 0.0
        self.last_launcher_spawn = 0.0
        self.recoveries = 0
        self.logs = os.path.join(self.work, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.decoys = []
        self.direct = []  # Popen of runners started by us under strace
        self.armed = 0  # processes running with a planned syscall kill
        self.syscall_kills = {}  # "tool sys#k" -> kills that fired
        self.scanned_logs = set()
        self.strace = shutil.which("strace") if args.syscall_share > 0 else None
        if args.syscall_share > 0 and not self.strace:
            log("strace not found: syscall-targeted kills skipped (install strace to run them)")

    # --- processes -------------------------------------------------------------------
    def tool(self, name):
        return os.path.join(self.tools, name)

    def popen(self, argv, tag, plan=None):
        """Starts a tool, its output in logs/; with `plan` = (syscall class, k), under strace
        with a SIGKILL on entry to the k-th call of that class."""
        self.spawned += 1
        base = os.path.join(self.logs, f"{self.spawned:05d}.{tag}")
        if plan:
            sysclass, k = plan
            argv = [self.strace, "-qq", "-o", base + ".strace", "-e", "trace=" + SYSCALLS[sysclass],
                    "-e", f"inject={SYSCALLS[sysclass]}:signal=KILL:when={k}"] + argv
            self.armed += 1
        with open(base + ".log", "wb") as out:
            p = subprocess.Popen(argv, cwd=self.work, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
        p.log_path = base + ".log"
        p.strace_log = base + ".strace" if plan else None
        p.plan = plan
        p.tag = tag
        self.managed.add(p.pid)
        return p

    def planned_kill_fired(self, p):
        """True when the process died by our planned SIGKILL: strace saw the k-th call of the
        class, unfinished ("= ?"), and the process killed."""
        text = (read_bytes(p.strace_log) or b"").decode(errors="replace").splitlines()
        calls = [l for l in text if not l.startswith(("+++", "---"))]
        return (len(calls) == p.plan[1] and calls[-1].rstrip().endswith("= ?")
                and any("killed by SIGKILL" in l for l in text))

    def run(self, argv, tag, ok=(0,), stdin_data=None, timeout=120):
        p = subprocess.run(argv, cwd=self.work, input=stdin_data, capture_output=True,
                           timeout=timeout)
        if p.returncode not in ok:
            raise InvariantError(f"{tag}: {' '.join(argv)} exited {p.returncode}: "
                                 f"{p.stderr.decode(errors='replace')[-2000:]}")
        return p

    def reap_orphans(self):
        """Runners and trials orphaned by a killed launcher or runner are re-parented to us
        (child subreaper); reap them so no zombie pid lingers."""
        me = os.getpid()
        for name in listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            if pid in self.managed:
                continue
            stat = read_bytes(f"/proc/{pid}/stat")
            if not stat:
                continue
            fields = stat[stat.rfind(b")") + 2:].split()
            if len(fields) > 1 and int(fields[1]) == me and fields[0] == b"Z":
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass

    def campaign_processes(self, tools=None):
        """(runners, trials): live pids of this campaign's hpo-run and objective processes;
        `tools`, a list, also gets those of hpo-submit and hpo-collect running here."""
        runners, trials = [], []
        for name in listdir("/proc"):
            if not name.isdigit():
                continue
            raw = read_bytes(f"/proc/{name}/cmdline")
            if not raw:
                continue  # gone, or a zombie
            argv = raw.rstrip(b"\0").split(b"\0")
            prog = os.path.basename(argv[0])
            if prog == b"hpo-run" and self.camp.encode() in argv[1:2]:
                runners.append(int(name))
            elif len(argv) > 1 and prog == b"bash" and argv[1] == self.objective.encode():
                trials.append(int(name))
            elif tools is not None and prog in (b"hpo-submit", b"hpo-collect"):
                try:
                    if os.readlink(f"/proc/{name}/cwd") == self.work:
                        tools.append(int(name))
                except OSError:
                    pass
        return sorted(runners), sorted(trials)

    def tracee(self, p):
        """The pid of the tool that strace process `p` runs (its child), or None."""
        for name in listdir("/proc"):
            stat = read_bytes(f"/proc/{name}/stat") if name.isdigit() else None
            if stat and int(stat[stat.rfind(b")") + 2:].split()[1]) == p.pid:
                return int(name)
        return None

    def check_exit(self, p):
        rc = p.returncode
        allowed = {0, -signal.SIGKILL}
        if p.tag == "runner":
            allowed.add(1)  # its trial failed (killed), or the race in ALLOWED_ERRORS
            allowed.add(3)  # ran nothing: a launcher's runner claimed the trial first
        if p.tag == "launcher":
            # Stopped with SIGTERM at a recovery point: 130 once its handler is installed,
            # killed by the signal before that.
            allowed |= {130, -signal.SIGTERM}
        if rc not in allowed:
            text = open(p.log_path, errors="replace").read()[-3000:]
            raise InvariantError(f"{p.tag} pid {p.pid} exited {rc}:\n{text}")

    def poll_managed(self):
        for group in (self.launchers, self.collectors, self.direct):
            for p in list(group):
                if p.poll() is not None:
                    group.remove(p)
                    self.managed.discard(p.pid)
                    self.check_exit(p)
                    if p.plan:
                        self.armed -= 1
                        if p.returncode == -signal.SIGKILL and self.planned_kill_fired(p):
                            key = f"{p.tag} {p.plan[0]}#{p.plan[1]}"
                            self.syscall_kills[key] = self.syscall_kills.get(key, 0) + 1
                            self.injections += 1

    def scan_logs(self):
        """Every error line any tool printed must be an allowed one."""
        busy = {p.log_path for g in (self.launchers, self.collectors, self.direct) for p in g}
        for name in sorted(listdir(self.logs)):
            path = os.path.join(self.logs, name)
            if not name.endswith(".log") or path in self.scanned_logs or path in busy:
                continue
            for line in open(path, errors="replace"):
                if ": error: " in line and not any(r.match(line) for r in ALLOWED_ERRORS):
                    raise InvariantError(f"unexpected error in {name}: {line.rstrip()}")
            self.scanned_logs.add(path)

    def maintain(self):
        """Keeps --launchers launchers and --collectors collectors alive."""
        self.poll_managed()
        now = time.monotonic()
        if len(self.launchers) < self.args.launchers and now - self.last_launcher_spawn > 0.2:
            self.launchers.append(self.popen(
                [self.tool("hpo-submit"), "--local", "--retry-failed"], "launcher"))
            self.last_launcher_spawn = now
        while len(self.collectors) < self.args.collectors:
            self.collectors.append(self.popen([self.tool("hpo-collect"), self.camp], "collect"))

    def kill_everything(self):
        for group in (self.launchers, self.collectors, self.direct):
            for p in group:
                if p.poll() is None:
                    pid = self.tracee(p) if p.plan else None
                    if pid:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    p.kill()
                    p.wait()
        tools = []
        runners, trials = self.campaign_processes(tools)
        for pid in runners + trials + tools:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
        self.reap_orphans()

    # --- campaign --------------------------------------------------------------------
    def setup(self):
        with open(self.objective, "w") as f:
            f.write('#!/bin/bash\n'
                    '# $1 = x (the metric to report), $2 = seconds to run\n'
                    'set -eu\n'
                    'sleep "$2"\n'
                    'printf \'{"error": %s}\\n\' "$1" > "$HPO_RESULT.tmp.$$"\n'
                    'mv "$HPO_RESULT.tmp.$$" "$HPO_RESULT"\n')
        with open(os.path.join(self.work, "hpo.yaml"), "w") as f:
            f.write("space:\n"
                    "  x: {uniform: [0.0, 1.0]}\n"
                    "  d: {uniform: [0.05, 0.5]}\n"
                    "trial:\n"
                    f"  command: bash {self.objective} {{x}} {{d}}\n"
                    "hpo:\n"
                    f"  max_concurrent_jobs: {self.args.concurrency}\n"
                    "  max_attempts: 50\n"
                    "  heartbeat_interval: 1\n"
                    "  lease_timeout: 2\n"
                    f"  seed: {self.args.seed}\n"
                    "  output_dir: camp\n")
        self.add_trials(self.args.trials)
        # Decoys: a trial-named file in tmp/ and a temp-named file in results/, both claiming
        # a finished trial with an impossible metric. No tool may ever count them.
        decoy = json.dumps({"trial_id": 7, "state": "finished", "error": DECOY_METRIC,
                            "config": {"x": DECOY_METRIC}}) + "\n"
        for rel in ("tmp/trial_7.json", "results/.trial_5.json.tmp.decoy"):
            path = os.path.join(self.camp, rel)
            with open(path, "w") as f:
                f.write(decoy)
            self.decoys.append(path)

    def add_trials(self, n):
        start = self.n_trials
        lines = self.run([self.tool("hpo-sample"), "--start", str(start), "-n", str(n)],
                         "hpo-sample").stdout
        for line in lines.decode().splitlines():
            j = json.loads(line)
            self.x[j["trial_id"]] = j["config"]["x"]
        self.run([self.tool("hpo-submit"), "--no-start"], "hpo-submit --no-start", stdin_data=lines)
        self.n_trials = start + n

    # --- invariants ------------------------------------------------------------------
    def folder(self, d):
        return os.path.join(self.camp, d)

    def state_names(self, d):
        """Trial file names of one state folder; any other name (but our decoys) fails C1."""
        names = []
        for n in listdir(self.folder(d)):
            if TRIAL_NAME.match(n):
                names.append(n)
            elif os.path.join(self.folder(d), n) not in self.decoys:
                raise InvariantError(f"C1: {d}/{n}: a name that is not trial_<i>.json in a state folder")
        return names

    def check_record(self, d, name, data):
        tid = int(name[6:-5])
        try:
            rec = json.loads(data)
        except ValueError as e:
            raise InvariantError(f"C4: {d}/{name} is not complete JSON ({e}): {data[:200]!r}")
        if not isinstance(rec, dict) or rec.get("trial_id") != tid:
            raise InvariantError(f"C4: {d}/{name} is not the record of trial {tid}: {data[:200]!r}")
        if tid >= self.n_trials:
            raise InvariantError(f"C4: {d}/{name}: trial {tid} was never sampled")
        if d == "results":
            if rec.get("state") != "finished":
                raise InvariantError(f"C3: results/{name} has state {rec.get('state')!r}")
            err = rec.get("error")
            if not isinstance(err, (int, float)) or abs(err - self.x[tid]) > 1e-12 * max(1.0, abs(err)):
                raise InvariantError(f"C3: results/{name}: error {err!r} is not what trial {tid} "
                                     f"reports (x = {self.x[tid]!r})")
        return rec

    def verify_results(self, full):
        """C2/C3: new results files are valid; every file seen is still there (and, when
        `full`, byte-identical)."""
        names = set(self.state_names("results"))
        missing = [n for n in self.seen if n not in names]
        if missing:
            raise InvariantError(f"C2: finished results vanished from results/: {sorted(missing)[:10]}")
        for n in names:
            if n in self.seen and not full:
                continue
            data = read_bytes(os.path.join(self.folder("results"), n))
            if data is None:
                raise InvariantError(f"C2: results/{n} vanished while being read")
            if n in self.seen:
                if data != self.seen[n]:
                    raise InvariantError(f"C2: results/{n} changed:\nwas {self.seen[n][:300]!r}\n"
                                         f"now {data[:300]!r}")
            else:
                self.check_record("results", n, data)
                self.seen[n] = data

    def sample_records(self, k):
        """C4 on k random records of pending/, running/ and failed/ (read while they move)."""
        for d in ("pending", "running", "failed"):
            names = self.state_names(d)
            for n in self.rng.sample(names, min(k, len(names))):
                data = read_bytes(os.path.join(self.folder(d), n))
                if data is not None:
                    self.check_record(d, n, data)

    def check_outputs(self):
        """C5: summaries are never half-written, and the decoys never count."""
        fr = read_bytes(os.path.join(self.camp, "final_results.json"))
        if fr is not None:
            try:
                j = json.loads(fr)
            except ValueError as e:
                raise InvariantError(f"C5: final_results.json is not complete JSON ({e}): {fr[:300]!r}")
            for k in ("best_error", "counts", "n_trials", "best_trial_id"):
                if k not in j:
                    raise InvariantError(f"C5: final_results.json lacks {k}: {fr[:300]!r}")
            if j["best_error"] == DECOY_METRIC:
                raise InvariantError("C5: a decoy was counted as the best result")
            self.checks["output_reads"] += 1
        bc = read_bytes(os.path.join(self.camp, "best_config.json"))
        if bc is not None:
            try:
                b = json.loads(bc)
            except ValueError as e:
                raise InvariantError(f"C5: best_config.json is not complete JSON ({e}): {bc[:300]!r}")
            if not isinstance(b, dict) or b.get("x") == DECOY_METRIC:
                raise InvariantError(f"C5: best_config.json: {bc[:300]!r}")
        rc = read_bytes(os.path.join(self.camp, "results.csv"))
        if rc is not None:
            self.parse_csv(rc)

    def parse_csv(self, data):
        text = data.decode()
        if not text.endswith("\n"):
            raise InvariantError(f"C5: results.csv does not end with a newline (half-written?): {text[-200:]!r}")
        rows = list(csv.reader(io.StringIO(text)))
        header = rows[0] if rows else []
        if header[:3] != ["trial_id", "state", "error"]:
            raise InvariantError(f"C5: results.csv header: {header}")
        for r in rows[1:]:
            if len(r) != len(header):
                raise InvariantError(f"C5: results.csv row {r} has {len(r)} fields, header {len(header)}")
            if r[1] == "finished" and float(r[2]) == DECOY_METRIC:
                raise InvariantError(f"C5: results.csv counts a decoy: {r}")
        return header, rows[1:]

    def continuous_checks(self):
        now = time.monotonic()
        for d in STATES:
            self.state_names(d)
        full = now - self.last_results_verify > 1.0
        self.verify_results(full)
        if full:
            self.last_results_verify = now
        self.sample_records(3)
        if self.rng.random() < 0.3:
            self.check_outputs()
        self.checks["continuous"] += 1

    def snapshot(self):
        """{id: [(folder, inode, bytes)]} of every state file; C1/C4 on each."""
        where = {}
        for d in STATES:
            for n in self.state_names(d):
                p = os.path.join(self.folder(d), n)
                try:
                    st = os.lstat(p)
                except FileNotFoundError:
                    raise InvariantError(f"{d}/{n} vanished while the campaign was at rest")
                data = read_bytes(p)
                rec = self.check_record(d, n, data)
                where.setdefault(int(n[6:-5]), []).append((d, (st.st_dev, st.st_ino), rec))
        return where

    def check_at_rest_before_collect(self):
        where = self.snapshot()
        lost = [i for i in range(self.n_trials) if i not in where]
        if lost:
            raise InvariantError(f"R1: trials in no state folder: {lost[:20]}")
        for tid, copies in where.items():
            if len(copies) > 1 and len({c[1] for c in copies}) > 1:
                raise InvariantError(
                    f"R2: trial {tid} is in {[c[0] for c in copies]} as different files: "
                    + "; ".join(f"{c[0]}: state {c[2].get('state')} attempt {c[2].get('attempt')}" for c in copies))
        self.verify_results(full=True)
        return sum(1 for c in where.values() if len(c) > 1)

    def check_at_rest_after_collect(self, collect_out):
        self.verify_results(full=True)
        where = self.snapshot()
        for i in range(self.n_trials):
            copies = where.get(i, [])
            if len(copies) != 1:
                raise InvariantError(f"Q1: trial {i} is in {[c[0] for c in copies]} after a quiescent hpo-collect")
            d, _, rec = copies[0]
            if rec.get("state") != STATES[d]:
                raise InvariantError(f"Q2: {d}/trial_{i}.json says state {rec.get('state')!r}")
        counts = {s: 0 for s in STATES.values()}
        for copies in where.values():
            counts[STATES[copies[0][0]]] += 1
        if counts["running"]:
            raise InvariantError(f"Q1: {counts['running']} trial(s) still in running/ with no runner alive")
        fr = json.loads(read_bytes(os.path.join(self.camp, "final_results.json")))
        if fr["counts"] != counts or fr["n_trials"] != self.n_trials:
            raise InvariantError(f"Q3: final_results.json counts {fr['counts']} n_trials {fr['n_trials']}, "
                                 f"folders {counts} n_trials {self.n_trials}")
        errors = {int(n[6:-5]): json.loads(b)["error"] for n, b in self.seen.items()}
        if errors:
            best = min(errors.values())
            if fr["best_error"] != best:
                raise InvariantError(f"Q3: best_error {fr['best_error']} but the best result is {best}")
        expect_line = f"{counts['finished']} finished, 0 running, {counts['pending']} pending, {counts['failed']} failed"
        if expect_line not in collect_out:
            raise InvariantError(f"Q3: hpo-collect printed {collect_out!r}, expected '{expect_line}'")
        _, rows = self.parse_csv(read_bytes(os.path.join(self.camp, "results.csv")))
        csv_finished = sorted(int(r[0]) for r in rows if r[1] == "finished")
        if csv_finished != sorted(errors) or len(rows) != counts["finished"] + counts["failed"]:
            raise InvariantError(f"Q3: results.csv has {len(rows)} rows ({len(csv_finished)} finished), "
                                 f"folders {counts}")
        self.verify_results(full=True)
        return counts

    # --- phases ----------------------------------------------------------------------
    def quiesce(self):
        """Stops launchers (SIGTERM: their runners return trials to pending), lets the
        collectors and every orphaned runner end, and reaps them all."""
        for p in self.launchers:
            if p.poll() is None:
                # Under strace, the launcher itself (strace's child) gets the SIGTERM.
                pid = self.tracee(p) if p.plan else p.pid
                try:
                    os.kill(pid or p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 90
        while self.launchers or self.collectors or self.direct:
            if time.monotonic() > deadline:
                raise InvariantError("launchers or collectors did not stop within 90 s after SIGTERM")
            self.poll_managed()
            self.reap_orphans()
            time.sleep(0.05)
        deadline = time.monotonic() + 60
        while True:
            self.reap_orphans()
            tools = []
            runners, trials = self.campaign_processes(tools)
            if not runners and not trials and not tools:
                break
            if time.monotonic() > deadline:
                raise InvariantError(f"runners {runners} / trials {trials} / tools {tools} still alive "
                                     "60 s after the launchers stopped")
            time.sleep(0.05)
        # A claim whose runner died before recording itself is given back after the lease.
        time.sleep(self.args.lease_wait)

    def recovery_point(self, final=False):
        self.quiesce()
        doubles = self.check_at_rest_before_collect()
        out = self.run([self.tool("hpo-collect"), self.camp], "quiescent hpo-collect")
        counts = self.check_at_rest_after_collect(out.stdout.decode())
        self.scan_logs()
        self.survived = self.injections
        self.recoveries += 1
        self.checks["rest"] += 1
        log(f"recovery {self.recoveries}{' (final)' if final else ''} after {self.injections} injections: "
            f"{counts}, {doubles} interrupted move(s) completed, {len(listdir(self.folder('tmp')))} file(s) left in tmp/")
        return counts

    def chaos(self):
        kinds = ["runner", "trial", "collect", "launcher"]
        weights = [35, 30, 20, 15]
        next_recovery = self.args.recovery_every
        while self.injections < self.args.injections:
            until = time.monotonic() + self.rng.uniform(0.02, 0.3)
            while time.monotonic() < until:
                self.maintain()
                self.reap_orphans()
                self.continuous_checks()
                time.sleep(0.02)
            if self.strace and self.armed < 3 and self.rng.random() < self.args.syscall_share:
                self.arm_syscall_kill()
                continue
            kind = self.rng.choices(kinds, weights)[0]
            order = [kind] + [k for k in kinds if k != kind]
            for k in order:
                if k in ("runner", "trial"):
                    runners, trials = self.campaign_processes()
                    victims = runners if k == "runner" else trials
                else:
                    group = self.launchers if k == "launcher" else self.collectors
                    victims = sorted(p.pid for p in group if p.poll() is None)
                if not victims:
                    continue
                victim = self.rng.choice(victims)
                try:
                    os.kill(victim, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                self.injections += 1
                self.by_kind[k] += 1
                break
            if self.injections >= next_recovery or self.injections >= self.args.injections:
                if self.armed and self.injections < self.args.injections:
                    continue  # let the armed processes fire or end first
                self.recovery_point()
                next_recovery = self.injections + self.args.recovery_every
            # Keep work in flight while injections remain.
            left = sum(len(self.state_names(d)) for d in ("pending", "running", "failed"))
            if left < 2 * self.args.concurrency and self.injections < self.args.injections:
                self.add_trials(self.args.extend)
                log(f"extended the campaign to {self.n_trials} trials")
        # A planned kill may have fired last (in maintain), or one may still be armed.
        if self.survived < self.injections or self.launchers or self.collectors or self.direct:
            self.recovery_point()

    def arm_syscall_kill(self):
        """Starts one tool under strace with a kill planned at a chosen syscall: a runner on a
        random pending trial (racing the launchers for it), an hpo-collect or a launcher."""
        tool = self.rng.choices(["runner", "collect", "launcher"], [50, 30, 20])[0]
        plan = self.rng.choice(PLANS[tool])
        if tool == "runner":
            pending = sorted(self.state_names("pending"))
            if not pending:
                return
            tid = int(self.rng.choice(pending)[6:-5])
            self.direct.append(self.popen([self.tool("hpo-run"), self.camp, "--trial", str(tid)],
                                          "runner", plan))
        elif tool == "collect":
            self.collectors.append(self.popen([self.tool("hpo-collect"), self.camp], "collect", plan))
        else:
            self.launchers.append(self.popen(
                [self.tool("hpo-submit"), "--local", "--retry-failed"], "launcher", plan))

    def finish(self):
        """No more faults: retry and run until every trial is finished. A retry claim left by
        a launcher killed while it held one delays that trial's retry by up to 30 s."""
        self.quiesce()  # nothing of the chaos may still run
        deadline = time.monotonic() + 180
        while True:
            self.run([self.tool("hpo-submit"), "--local", "--retry-failed"], "final hpo-submit", timeout=600)
            out = self.run([self.tool("hpo-collect"), self.camp], "final hpo-collect")
            counts = self.check_at_rest_after_collect(out.stdout.decode())
            if counts["finished"] == self.n_trials:
                self.scan_logs()
                return counts
            if time.monotonic() > deadline:
                raise InvariantError(f"the campaign did not finish: {counts}")
            log(f"not finished yet: {counts}")
            time.sleep(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tools", default=os.environ.get("HPO_TOOLS_DIR"), help="directory of the built tools")
    ap.add_argument("--dir", required=True, help="scratch directory (the campaign goes in DIR/camp)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--injections", type=int,
                    default=int(os.environ.get("HPO_FAULT_INJECTIONS") or 200))
    ap.add_argument("--trials", type=int, default=300, help="trials sampled at the start")
    ap.add_argument("--extend", type=int, default=100, help="trials added when work runs out")
    ap.add_argument("--recovery-every", type=int, default=20)
    ap.add_argument("--launchers", type=int, default=2)
    ap.add_argument("--collectors", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=4, help="hpo.max_concurrent_jobs")
    ap.add_argument("--syscall-share", type=float, default=0.3,
                    help="share of injections that are kills at a chosen syscall (needs strace)")
    ap.add_argument("--lease-wait", type=float, default=2.5,
                    help="seconds to wait at rest before collecting (> hpo.lease_timeout)")
    args = ap.parse_args()
    if not args.tools:
        ap.error("--tools or HPO_TOOLS_DIR is required")
    # Orphaned runners and trials become our children, so that we reap them: this VM's
    # PID 1 does not, and a zombie would keep its pid.
    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    h = Harness(args)
    t0 = time.monotonic()
    try:
        h.setup()
        h.chaos()
        chaos_s = time.monotonic() - t0
        counts = h.finish()
    except InvariantError as e:
        h.kill_everything()
        log(f"INVARIANT BROKEN after {h.injections} injections (seed {args.seed}): {e}")
        print(f"injections: {h.injections} run, {h.survived} survived")
        return 1
    except BaseException:
        h.kill_everything()
        raise
    attempts = [json.loads(b).get("attempt", 1) for b in h.seen.values()]
    log(f"seed {args.seed}: {h.n_trials} trials, all finished ({counts}); kills by target: {h.by_kind}; "
        f"syscall-targeted kills: {dict(sorted(h.syscall_kills.items()))}; {h.recoveries} recovery points; {h.checks['continuous']} continuous checks, "
        f"{h.checks['output_reads']} summary reads; most attempts of a trial: {max(attempts)}; "
        f"{len(h.seen)} results kept byte-identical; chaos {chaos_s:.0f} s, total {time.monotonic() - t0:.0f} s")
    print(f"injections: {h.injections} run, {h.survived} survived")
    return 0 if h.survived == h.injections else 1


if __name__ == "__main__":
    sys.exit(main())
