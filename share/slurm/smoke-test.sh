#!/usr/bin/env bash
# Check that the test cluster in STATE_DIR really runs job arrays: submit a throttled
# 10-task array, wait for it, and check every task's output, the final job states, the
# throttle, and MaxArraySize as slurmctld reports it.
set -euo pipefail

PROG="smoke-test.sh"
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test-cluster-lib.sh
source "$HERE/test-cluster-lib.sh"

usage() {
    cat <<EOF
usage: $PROG STATE_DIR

Submit a 10-task job array (--array=0-9%3) to the test cluster in STATE_DIR, wait for it
(at most 120 s) and check its results. Exits 0 on success, 1 with a reason on failure.
EOF
}

case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    "") tc_usage_error "missing STATE_DIR" ;;
    -*) tc_usage_error "unknown option '$1'" ;;
esac
[[ $# -eq 1 ]] || tc_usage_error "expected exactly one STATE_DIR"
tc_set_paths "$1"
tc_need sbatch squeue scontrol
[[ -f "$TC_CONF" ]] || tc_die "no $TC_CONF; start the cluster with start-test-cluster.sh $TC_DIR"
tc_slurm_env

fail() {
    printf '%s: FAIL: %s\n' "$PROG" "$*" >&2
    if [[ -n "${job:-}" ]]; then
        printf -- '----- scontrol show job %s -----\n' "$job" >&2
        scontrol show job "$job" >&2 || true
    fi
    [[ -z "${work:-}" ]] || printf '%s: task files kept in %s\n' "$PROG" "$work" >&2
    exit 1
}

# --- MaxArraySize as configured vs as reported by slurmctld ------------------------------
want_mas="$(sed -n 's/^MaxArraySize=\([0-9]*\)$/\1/p' "$TC_CONF")"
[[ -n "$want_mas" ]] || fail "no MaxArraySize line in $TC_CONF"
config="$(scontrol show config)" || fail "scontrol show config failed (is the cluster running?)"
got_mas="$(sed -n 's/^MaxArraySize *= *\([0-9]*\).*/\1/p' <<<"$config")"
[[ "$got_mas" == "$want_mas" ]] || fail "scontrol show config reports MaxArraySize=$got_mas, slurm.conf says $want_mas"
tc_info "MaxArraySize=$got_mas as configured"

# --- a throttled array ---------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/hpo-smoke.XXXXXX")"
# Each task records start and end times so the throttle can be checked afterwards.
# shellcheck disable=SC2016 # the $ expressions are for the job shell
payload="$(printf 'd=%q; t=$SLURM_ARRAY_TASK_ID; s=$(date +%%s.%%N); sleep 1; echo "$SLURM_ARRAY_JOB_ID $t $s $(date +%%s.%%N)" >"$d/task-$t.tmp" && mv "$d/task-$t.tmp" "$d/task-$t"' "$work")"
job="$(sbatch --parsable --array=0-9%3 --job-name=hpo-smoke --chdir="$work" \
    --output="$work/slurm-%A_%a.out" --wrap="$payload")" || fail "sbatch failed"
job="${job%%;*}"   # --parsable prints "jobid[;cluster]"
[[ "$job" =~ ^[0-9]+$ ]] || fail "sbatch --parsable printed '$job', expected a job id"
tc_info "submitted array job $job (0-9%3)"

t0=$SECONDS
deadline=$((SECONDS + 120))
while :; do
    left="$(squeue -h -j "$job" -o '%i' 2>/dev/null)" || fail "squeue failed"
    [[ -n "$left" ]] || break
    ((SECONDS < deadline)) || fail "array $job not finished after 120s: $(tr '\n' ' ' <<<"$left")"
    sleep 1
done
tc_info "array finished in about $((SECONDS - t0))s"

# --- results ---------------------------------------------------------------------------------
missing=()
for t in 0 1 2 3 4 5 6 7 8 9; do
    [[ -s "$work/task-$t" ]] || missing+=("$t")
done
((${#missing[@]} == 0)) || fail "no output from tasks: ${missing[*]}"

# Finished tasks stay visible to scontrol for MinJobAge seconds.
states="$(scontrol show job "$job" -o | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
[[ "$states" == " 10 JobState=COMPLETED " ]] || fail "expected 10 COMPLETED tasks, scontrol reports:$states"

# Highest number of tasks running at once, from the recorded intervals.
max_running="$(cat "$work"/task-[0-9] | awk '{ print $3, 1; print $4, -1 }' | sort -k1,1n -k2,2n |
    awk '{ n += $2; if (n > m) m = n } END { print m }')"
((max_running <= 3)) || fail "throttle %3 violated: $max_running tasks ran at once"

tc_info "OK: 10/10 tasks COMPLETED with output, at most $max_running running at once"
rm -rf -- "$work"
