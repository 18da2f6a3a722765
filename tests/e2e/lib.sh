# Shared by the end-to-end tests: a scratch directory (kept on failure), the built tools on
# PATH, assertions that say what failed, and the SLURM test cluster when there is one.
# Each test: `source "$(dirname "$0")/lib.sh"`, then its steps; exit 0 pass, 77 skip.
set -euo pipefail

: "${HPO_TOOLS_DIR:?HPO_TOOLS_DIR must point at the built tools (ctest sets it)}"
: "${HPO_SOURCE_DIR:?HPO_SOURCE_DIR must point at the source tree (ctest sets it)}"
export PATH="$HPO_TOOLS_DIR:$PATH"
PY=/usr/bin/python3
TEST_NAME="$(basename "$0" .sh)"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/hpo-$TEST_NAME.XXXXXX")"
cd "$SCRATCH"

_on_exit() {
  local rc=$?
  if [ $rc -eq 0 ] || [ $rc -eq 77 ]; then
    rm -rf "$SCRATCH"
  else
    echo "$TEST_NAME: FAILED (exit $rc); scratch kept in $SCRATCH" >&2
  fi
}
trap _on_exit EXIT

fail() { echo "$TEST_NAME: assertion failed: $*" >&2; exit 1; }
skip() { echo "$TEST_NAME: skipped: $*" >&2; exit 77; }
note() { echo "$TEST_NAME: $*" >&2; }

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }

# count_files DIR: trial files in a state folder.
count_files() { find "$1" -maxdepth 1 -name 'trial_*.json' | wc -l; }

# count_ended CAMPAIGN: trials that ended finished or pruned (results/ + pruned/).
count_ended() { { find "$1/results" "$1/pruned" -maxdepth 1 -name 'trial_*.json' 2>/dev/null || true; } | wc -l; }

# ended_exactly CAMPAIGN N: for wait_until (evaluated each poll).
ended_exactly() { [ "$(count_ended "$1")" -eq "$2" ]; }

# ended_record CAMPAIGN ID: the record of a trial that ended finished or pruned.
ended_record() { { find "$1/results" "$1/pruned" -maxdepth 1 -name "trial_$2.json" 2>/dev/null || true; } | head -1; }

# at_least DIR N / exactly DIR N: state-folder counts, for wait_until (evaluated each poll).
at_least() { [ "$(count_files "$1")" -ge "$2" ]; }
exactly() { [ "$(count_files "$1")" -eq "$2" ]; }

# wait_until SECONDS COMMAND...: polls every 0.2 s.
wait_until() {
  local limit=$1; shift
  local i
  for ((i = 0; i < limit * 5; i++)); do
    if "$@"; then return 0; fi
    sleep 0.2
  done
  return 1
}

# Uses the SLURM test cluster started by share/run-tests.sh; skip without one, except in CI.
need_slurm() {
  if [ -z "${HPO_TEST_SLURM_CONF:-}" ] || [ ! -f "${HPO_TEST_SLURM_CONF:-/nonexistent}" ]; then
    if [ "${CI:-false}" = true ]; then fail "CI=true but no SLURM test cluster (HPO_TEST_SLURM_CONF)"; fi
    skip "no SLURM test cluster (run through share/run-tests.sh as root)"
  fi
  export SLURM_CONF="$HPO_TEST_SLURM_CONF"
  sinfo -h >/dev/null || fail "sinfo cannot reach the test cluster"
}

# slurm_idle JOBIDS...: true when none of the jobs is pending or running any more.
slurm_idle() {
  local ids
  ids=$(IFS=,; echo "$*")
  [ -z "$(squeue -h -j "$ids" -t PENDING,RUNNING,CONFIGURING,COMPLETING,REQUEUED,SUSPENDED 2>/dev/null)" ]
}

# peak_of_events < LINES: most intervals open at once, from lines "start TIME ..." and
# "end TIME ..." in any order (an end and a start at the same time do not overlap).
peak_of_events() {
  $PY -c '
import sys
ev = []
for line in sys.stdin:
    kind, t = line.split()[:2]
    ev.append((float(t), 1 if kind == "start" else -1))
ev.sort(key=lambda e: (e[0], e[1]))
c = m = 0
for _, d in ev:
    c += d
    m = max(m, c)
print(m)'
}

# max_overlap CAMPAIGN: most trials running at once, from recorded start/end times.
max_overlap() {
  $PY - "$1" <<'PYEOF' | peak_of_events
import json, glob, sys
for f in glob.glob(sys.argv[1] + "/results/*.json") + glob.glob(sys.argv[1] + "/failed/*.json"):
    a = json.load(open(f)).get("additional_info", {})
    if "start_time" in a and "end_time" in a:
        print("start %r\nend %r" % (a["start_time"], a["end_time"]))
PYEOF
}

# write_config FILE SECTION.KEY=VALUE...: a campaign config, e.g.
#   write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/obj.sh {x}" hpo.seed=1
# Each VALUE is YAML as written (flow style; lines after a first line of `|` are the block,
# indented here); sections come in the order first named, keys in the order given.
write_config() {
  local file=$1 sections=() arg section value
  shift
  for arg in "$@"; do
    section=${arg%%.*}
    [[ " ${sections[*]} " == *" $section "* ]] || sections+=("$section")
  done
  for section in "${sections[@]}"; do
    echo "$section:"
    for arg in "$@"; do
      [ "${arg%%.*}" = "$section" ] || continue
      arg=${arg#*.} value=${arg#*=}
      printf '  %s: %s\n' "${arg%%=*}" "${value//$'\n'/$'\n'    }"
    done
  done > "$file"
}

# need_python MODULE...: /usr/bin/python3 can import them; else skip (fail under CI=true).
need_python() {
  $PY -c "import $(IFS=,; echo "$*")" 2>/dev/null && return
  [ "${CI:-false}" = true ] && fail "python3 modules missing: one of $*"
  skip "Debian's python3 lacks one of: $*"
}

# readme_campaign_commands WHERE BACKEND: the campaign commands the README shows (the sh block
# after its "campaign-commands" marker), comments removed, one a line: WHERE `installed`
# (hpo-campaign ...) or `clone` (... share/slurm/submit_hpo_campaign.sh ...), BACKEND `local`
# (--local) or `slurm`. Fails when there is none: a README that drops them breaks the test.
readme_campaign_commands() {
  local lines
  lines=$(awk '/<!-- campaign-commands/ { m = 1; next } m && /^```sh/ { b = 1; next }
               b && /^```/ { exit } b' "$HPO_SOURCE_DIR/README.md" | sed -e 's/[[:space:]]*#.*//' -e '/^$/d')
  case "$1" in
    installed) lines=$(grep '^hpo-campaign ' <<<"$lines" || true) ;;
    clone) lines=$(grep ' share/slurm/submit_hpo_campaign\.sh ' <<<"$lines" || true) ;;
  esac
  case "$2" in
    local) lines=$(grep -e ' --local' <<<"$lines" || true) ;;
    slurm) lines=$(grep -v -e ' --local' <<<"$lines" || true) ;;
  esac
  [ -n "$lines" ] || fail "README.md shows no $1 $2 campaign command (block after <!-- campaign-commands -->)"
  echo "$lines"
}

# make_clone DIR: stands for a built clone of the repository (the tests never write into the
# source tree): share/ and examples/ copied, build/ a link to the build folder of the tools.
make_clone() {
  mkdir -p "$1"
  cp -r "$HPO_SOURCE_DIR/share" "$HPO_SOURCE_DIR/examples" "$1/"
  ln -s "$(cd "$HPO_TOOLS_DIR/.." && pwd)" "$1/build"
}

# json_get FILE EXPR: evaluates a python expression on the parsed JSON as `j`.
json_get() { $PY -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }

# A bash objective that writes {"error": x^2} atomically; sleeps $SLEEP (or 0) first.
write_objective() {
  cat > objective.sh <<'SH'
#!/bin/bash
set -eu
sleep "${SLEEP:-0}"
v=$(awk -v x="$1" 'BEGIN { printf "%.17g", x * x }')
printf '{"error": %s, "training_time": 0.01}\n' "$v" > "$HPO_RESULT.tmp.$$"
mv "$HPO_RESULT.tmp.$$" "$HPO_RESULT"
SH
  chmod +x objective.sh
}

# obj.sh X: sleeps $SLEEP, writes {"error": X}; logs each execution's start and end to
# $HPO_TRIAL_DIR/runs.log and an OVERLAP line if an earlier execution of the same trial is
# still alive (a concurrent run, which must never happen).
write_overlap_objective() {
  cat > obj.sh <<'SH'
#!/bin/bash
set -eu
runs=$HPO_TRIAL_DIR/runs.log
for p in $(awk '$1 == "start" {print $2}' "$runs" 2>/dev/null); do
  if tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -q "obj.sh"; then echo "OVERLAP $$ $p" >> "$runs"; fi
done
echo "start $$ $(date +%s.%N) restart=$HPO_RESTART_COUNT attempt=$HPO_ATTEMPT" >> "$runs"
sleep "$SLEEP"
printf '{"error": %s}\n' "$1" > "$HPO_RESULT.tmp.$$"
mv "$HPO_RESULT.tmp.$$" "$HPO_RESULT"
echo "end $$ $(date +%s.%N)" >> "$runs"
SH
}

# curve.sh X: a trial with a learning curve for the pruning tests. Its value after epoch e
# (1..$EPOCHS, default 9) is X + 1/e, reported with "$HPO_PRUNE" e value; told to stop
# (exit status 1) it exits 0 at once. Trial $PAUSE_TRIAL (if set), on its first execution,
# stops at epoch 2 (after rung 0, before rung 1): it writes $HPO_TRIAL_DIR/paused and waits;
# SIGUSR2 makes it exit 75 (checkpointed, requeue me), SIGTERM 143. Every later execution
# of that trial is $PENALTY (default 1) worse at every epoch: judged again at rung 0 it
# would stop. The other trials wait (up to 60 s) until that trial has its rung-0 decision, so
# that it is the first at rung 0 and goes on. Each execution appends "start <attempt>
# <restart count>" to runs.log.
write_curve_objective() {
  cat > curve.sh <<'SH'
#!/bin/bash
set -eu
export LC_ALL=C
echo "start $HPO_ATTEMPT $HPO_RESTART_COUNT" >> "$HPO_TRIAL_DIR/runs.log"
penalty=0
pause=false
if [ "$HPO_TRIAL_ID" = "${PAUSE_TRIAL:--1}" ]; then
  if [ -e "$HPO_TRIAL_DIR/paused" ]; then penalty=${PENALTY:-1}; else pause=true; fi
elif [ -n "${PAUSE_TRIAL:-}" ]; then
  for ((i = 0; i < 300; i++)); do
    [ -e "$HPO_CAMPAIGN_DIR/trials/trial_$PAUSE_TRIAL/prune/bracket_0.rung_0.json" ] && break
    sleep 0.2
  done
fi
for ((e = 1; e <= ${EPOCHS:-9}; e++)); do
  v=$(awk -v x="$1" -v e="$e" -v p="$penalty" 'BEGIN { printf "%.6f", x + 1 / e + p }')
  "$HPO_PRUNE" "$e" "$v" || exit 0
  if [ "$e" = 2 ] && $pause; then
    trap 'exit 75' USR2
    trap 'exit 143' TERM
    touch "$HPO_TRIAL_DIR/paused"
    sleep 120 & wait $!
  fi
  sleep "${SLEEP:-0}"
done
printf '{"error": %s, "epochs_run": %d}\n' "$v" "${EPOCHS:-9}" > "$HPO_RESULT.tmp.$$"
mv "$HPO_RESULT.tmp.$$" "$HPO_RESULT"
SH
  chmod +x curve.sh
}

# check_pruned_campaign DIR N: every one of the N trials ended finished or pruned; each pruned
# record stopped at a rung of its decisions with the value its curve has there; each rung
# folder holds at most one value per trial; results.csv and final_results.json count them.
check_pruned_campaign() {
  $PY - "$1" "$2" <<'PY' || fail "pruned campaign $1 is not consistent"
import collections, csv, glob, json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
ids = {}
for state, folder in (("finished", "results"), ("pruned", "pruned"), ("failed", "failed"),
                      ("running", "running"), ("pending", "pending")):
    for f in glob.glob(os.path.join(d, folder, "trial_*.json")):
        i = int(os.path.basename(f)[6:-5])
        assert i not in ids, "trial %d in two states" % i
        ids[i] = (state, json.load(open(f)))
assert sorted(ids) == list(range(n)), "trials %s" % sorted(ids)
bad = [i for i, (s, _) in ids.items() if s not in ("finished", "pruned")]
assert not bad, "not finished or pruned: %s" % [(i, ids[i][0], ids[i][1].get("reason")) for i in bad]
pruned = [(i, r) for i, (s, r) in ids.items() if s == "pruned"]
assert pruned, "nothing was pruned"
for i, r in pruned:
    p = r["pruned"]
    assert r["state"] == "pruned" and p["verdict"] == "stop", r
    curve = dict((s, v) for s, v in r["learning_curve"])
    assert curve[p["step"]] == p["value"] == r["error"], (i, curve, p)
    assert max(curve) == p["step"], "trial %d ran past its stop: %s" % (i, curve)
    dec = json.load(open(os.path.join(d, "trials", "trial_%d" % i, "prune", "bracket_0.rung_%d.json" % p["rung"])))
    assert dec == p, (dec, p)
    assert "training_time" in r["additional_info"]
for rung in glob.glob(os.path.join(d, "rungs", "*")):
    trials = collections.Counter(name.split(".")[1] for name in os.listdir(rung))
    assert max(trials.values()) == 1, "a trial recorded twice in %s: %s" % (rung, trials)
rows = list(csv.DictReader(open(os.path.join(d, "results.csv"))))
assert collections.Counter(r["state"] for r in rows) == collections.Counter(s for s, _ in ids.values()), rows
fr = json.load(open(os.path.join(d, "final_results.json")))
assert fr["counts"]["pruned"] == len(pruned) and fr["best_is_pruned"] is False, fr
assert ids[fr["best_trial_id"]][0] == "finished", fr
print("%d trials: %d pruned" % (n, len(pruned)))
PY
}
