#!/usr/bin/env bash
# Stop the test cluster started by start-test-cluster.sh STATE_DIR: cancel its jobs, then
# stop exactly the daemons recorded in STATE_DIR/pids, by pid, after checking that each pid
# still runs the expected program with this STATE_DIR on its command line. Never kills by
# name: on a shared login node that would hit other people's daemons.
set -euo pipefail

PROG="stop-test-cluster.sh"
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test-cluster-lib.sh
source "$HERE/test-cluster-lib.sh"

usage() {
    cat <<EOF
usage: $PROG STATE_DIR

Cancel all jobs of the test cluster in STATE_DIR, wait for them to end, then stop its
slurmd, slurmctld and munged (only the pids recorded in STATE_DIR/pids). Exits 0 when there
is nothing to stop. The state directory and its logs are kept.
EOF
}

case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    "") tc_usage_error "missing STATE_DIR" ;;
    -*) tc_usage_error "unknown option '$1'" ;;
esac
[[ $# -eq 1 ]] || tc_usage_error "expected exactly one STATE_DIR"
tc_set_paths "$1"

tc_read_pids
if ((${#TC_PID_NAMES[@]} == 0)); then
    tc_info "no pid file in $TC_DIR; nothing to stop"
    exit 0
fi

pid_of() { # pid_of NAME: the recorded pid of NAME if it is still ours, else empty
    local i
    for i in "${!TC_PID_NAMES[@]}"; do
        if [[ "${TC_PID_NAMES[$i]}" == "$1" ]] && tc_is_ours "${TC_PID_VALUES[$i]}" "$1"; then
            printf '%s\n' "${TC_PID_VALUES[$i]}"
            return 0
        fi
    done
    return 0
}

# --- cancel jobs while slurmctld and slurmd can still act on them ------------------------
ctld_pid="$(pid_of slurmctld)"
munged_pid="$(pid_of munged)"
if [[ -n "$ctld_pid" && -n "$munged_pid" && -f "$TC_CONF" ]]; then
    tc_slurm_env
    # %F is the array job id (the job id for non-arrays): one scancel covers every task,
    # pending ones included.
    jobs="$(timeout 20 squeue -h -o '%F' 2>/dev/null | sort -u | tr '\n' ' ')" || jobs=""
    if [[ -n "${jobs// /}" ]]; then
        tc_info "cancelling jobs: $jobs"
        # shellcheck disable=SC2086 # word splitting of the id list is intended
        timeout 20 scancel $jobs || tc_warn "scancel failed; stopping the daemons anyway"
        # Jobs stay COMPLETING until slurmstepd has killed them (KillWait=5 s).
        deadline=$((SECONDS + 30))
        while [[ -n "$(timeout 10 squeue -h -o '%i' 2>/dev/null || true)" ]]; do
            if ((SECONDS >= deadline)); then
                tc_warn "jobs still listed after 30s:"
                timeout 10 squeue >&2 || true
                break
            fi
            sleep 0.5
        done
    fi
else
    tc_warn "slurmctld or munged is not running; cannot cancel jobs"
fi

# --- job processes that are still there (slurmctld gone, or jobs that would not die) -------
# scontrol listpids asks this cluster's slurmstepds directly through the sockets in its
# spool directory (no slurmctld needed), so every pid it prints is one of our jobs.
if [[ -f "$TC_CONF" && -d "$TC_SPOOL" ]]; then
    tc_slurm_env
    leftover="$(timeout 10 scontrol listpids 2>/dev/null | awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1 }' | tr '\n' ' ')" || leftover=""
    if [[ -n "${leftover// /}" ]]; then
        tc_warn "job processes still running, killing them: $leftover"
        # shellcheck disable=SC2086 # word splitting of the pid list is intended
        kill -KILL $leftover 2>/dev/null || true
        sleep 1   # let slurmstepd notice and report the end of its job
    fi
fi

# --- stop the daemons, compute node first, munged last (the others need it to shut down) --
stopped=0
for name in slurmd slurmctld munged; do
    for i in "${!TC_PID_NAMES[@]}"; do
        [[ "${TC_PID_NAMES[$i]}" == "$name" ]] || continue
        pid="${TC_PID_VALUES[$i]}"
        if ! tc_is_ours "$pid" "$name"; then
            tc_info "$name (pid $pid) is not running"
            continue
        fi
        kill -TERM "$pid" 2>/dev/null || true
        if ! tc_wait_gone "$pid" 20; then
            # Check again: the pid might have been reused in the meantime.
            if tc_is_ours "$pid" "$name"; then
                tc_warn "$name (pid $pid) ignored SIGTERM for 20s; sending SIGKILL"
                kill -KILL "$pid" 2>/dev/null || true
                tc_wait_gone "$pid" 5 || tc_die "$name (pid $pid) survived SIGKILL"
            fi
        fi
        tc_info "stopped $name (pid $pid)"
        stopped=$((stopped + 1))
    done
done

# --- anything else this cluster started (slurmstepd of jobs that would not die) -----------
# Only processes that provably belong to this cluster match (see tc_cluster_pids).
strays="$(tc_cluster_pids | tr '\n' ' ')"
if [[ -n "${strays// /}" ]]; then
    tc_warn "stray processes of this cluster still running, killing them: $strays"
    for pid in $strays; do
        tc_info "  $pid: $(tc_cmdline "$pid")"
        kill -KILL "$pid" 2>/dev/null || true
    done
    for pid in $strays; do
        tc_wait_gone "$pid" 5 || tc_die "process $pid survived SIGKILL"
    done
fi

rm -f -- "$TC_PIDS"
if ((stopped == 0)); then
    tc_info "nothing was running in $TC_DIR"
else
    tc_info "cluster in $TC_DIR stopped"
fi
