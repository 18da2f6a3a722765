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

# max_overlap CAMPAIGN: most trials running at once, from recorded start/end times.
max_overlap() {
  $PY - "$1" <<'PYEOF'
import json, glob, sys
ev = []
for f in glob.glob(sys.argv[1] + "/results/*.json") + glob.glob(sys.argv[1] + "/failed/*.json"):
    a = json.load(open(f)).get("additional_info", {})
    if "start_time" in a and "end_time" in a:
        ev += [(a["start_time"], 1), (a["end_time"], -1)]
ev.sort(key=lambda e: (e[0], e[1]))
c = m = 0
for _, d in ev:
    c += d
    m = max(m, c)
print(m)
PYEOF
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
