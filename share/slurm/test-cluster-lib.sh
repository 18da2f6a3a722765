# shellcheck shell=bash disable=SC2034  # the TC_* paths are used by the sourcing scripts
# Shared helpers for start-test-cluster.sh, stop-test-cluster.sh and smoke-test.sh.
# Sourced, never executed. The caller sets PROG (used in messages) before sourcing.
#
# One place names every file of a test cluster's state directory (see tc_set_paths);
# the scripts never assemble those paths themselves.

# Daemons live in /usr/sbin, which is not on a normal user's PATH.
PATH="${PATH:-/usr/bin:/bin}:/usr/sbin:/sbin"
export PATH

tc_die() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    exit 1
}

tc_usage_error() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    printf "run '%s --help' for usage\n" "$PROG" >&2
    exit 2
}

tc_info() {
    printf '%s: %s\n' "$PROG" "$*"
}

tc_warn() {
    printf '%s: warning: %s\n' "$PROG" "$*" >&2
}

# tc_need CMD...: fail unless every command is installed.
tc_need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || tc_die "required command '$c' not found (install slurmctld, slurmd, slurm-client and munge)"
    done
}

# tc_set_paths STATE_DIR: canonicalise STATE_DIR and set every path of the layout.
# Relative paths are resolved against the current directory, so the scripts behave the same
# from any cwd; the result is absolute and free of symlinks and "..".
tc_set_paths() {
    [[ -n "$1" ]] || tc_usage_error "STATE_DIR must not be empty"
    TC_DIR="$(realpath -m -- "$1")" || tc_die "cannot resolve state directory '$1'"
    [[ "$TC_DIR" != "/" ]] || tc_usage_error "refusing to use / as STATE_DIR"
    TC_MARKER="$TC_DIR/.hpo-test-cluster"   # proves we created the directory
    TC_CONF="$TC_DIR/slurm.conf"
    TC_PLUGSTACK="$TC_DIR/plugstack.conf"   # empty: keeps /etc/slurm/plugstack.conf out
    TC_ENV="$TC_DIR/env.sh"
    TC_PIDS="$TC_DIR/pids"
    TC_MUNGE_DIR="$TC_DIR/munge"
    TC_MUNGE_KEY="$TC_MUNGE_DIR/munge.key"
    TC_MUNGE_SOCKET="$TC_MUNGE_DIR/munge.socket"
    TC_MUNGE_SEED="$TC_MUNGE_DIR/munged.seed"
    TC_STATE="$TC_DIR/state"                # StateSaveLocation
    TC_SPOOL="$TC_DIR/spool"                # SlurmdSpoolDir
    TC_LOG_DIR="$TC_DIR/log"
    TC_RUN_DIR="$TC_DIR/run"
}

# tc_log NAME: log file of daemon NAME (munged, slurmctld, slurmd).
tc_log() { printf '%s/%s.log\n' "$TC_LOG_DIR" "$1"; }
# tc_out NAME: stdout+stderr of daemon NAME (a copy of its log plus errors from before
# the log file is opened).
tc_out() { printf '%s/%s.out\n' "$TC_LOG_DIR" "$1"; }
# tc_pidfile NAME: the daemon's own pid file (informational; TC_PIDS is authoritative).
tc_pidfile() { printf '%s/%s.pid\n' "$TC_RUN_DIR" "$1"; }

# tc_cmdline PID: the process's argv joined by spaces, empty if gone or a zombie.
tc_cmdline() {
    local pid="$1" state
    [[ -r "/proc/$pid/stat" ]] || return 0
    # Field 3 of /proc/PID/stat is the state; the name in field 2 may contain spaces,
    # so cut after the last ')'.
    state="$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" || return 0
    [[ "$state" != Z && "$state" != X ]] || return 0
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" || true
}

# tc_is_ours PID NAME: true if PID is alive, runs program NAME, and its command line names
# this cluster's state directory. Guards against pid reuse after a reboot or a crash.
tc_is_ours() {
    local pid="$1" name="$2" cmd argv0
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    cmd="$(tc_cmdline "$pid")"
    [[ -n "$cmd" ]] || return 1
    argv0="${cmd%% *}"
    [[ "${argv0##*/}" == "$name" ]] || return 1
    [[ "$cmd" == *" $TC_DIR/"* || "$cmd" == *"=$TC_DIR/"* ]] || return 1
}

# tc_read_pids: fill TC_PID_NAMES/TC_PID_VALUES from TC_PIDS ("NAME PID" per line).
tc_read_pids() {
    TC_PID_NAMES=()
    TC_PID_VALUES=()
    [[ -f "$TC_PIDS" ]] || return 0
    local name pid
    while read -r name pid _; do
        [[ -n "$name" && "$name" != \#* ]] || continue
        TC_PID_NAMES+=("$name")
        TC_PID_VALUES+=("$pid")
    done <"$TC_PIDS"
}

# tc_wait_gone PID SECONDS: wait until PID has exited (or is a zombie); false on timeout.
tc_wait_gone() {
    local pid="$1" deadline=$((SECONDS + $2))
    while [[ -n "$(tc_cmdline "$pid")" ]]; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

# tc_cluster_pids: pids of live processes that belong to this cluster: the daemons and what
# they spawned keep the HPO_TEST_CLUSTER_DIR variable the start script put into the daemons'
# environment; slurmstepd overwrites its environment with its process title, so it is
# recognised by its title and a descriptor open on a file of this cluster (its log).
# Other programs that merely have a file of the state directory open (tail -f) never match.
tc_cluster_pids() {
    local p cmd fd
    for p in /proc/[0-9]*; do
        p="${p#/proc/}"
        [[ "$p" != "$$" && "$p" != "$BASHPID" ]] || continue
        cmd="$(tc_cmdline "$p")"
        [[ -n "$cmd" ]] || continue
        if tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qxF "HPO_TEST_CLUSTER_DIR=$TC_DIR"; then
            printf '%s\n' "$p"
        elif [[ "$cmd" == slurmstepd:* ]]; then
            for fd in "/proc/$p/fd/"*; do
                if [[ "$(readlink -- "$fd" 2>/dev/null)" == "$TC_DIR/"* ]]; then
                    printf '%s\n' "$p"
                    break
                fi
            done
        fi
    done
    return 0
}

# tc_slurm_env: make the SLURM clients talk to this cluster and nothing else. Input
# variables of a surrounding allocation or the user's shell (SBATCH_PARTITION,
# SQUEUE_FORMAT, ...) would change what the scripts submit or parse.
tc_slurm_env() {
    local v
    for v in $(compgen -e); do
        case "$v" in
            SLURM_* | SBATCH_* | SQUEUE_* | SINFO_* | SCANCEL_* | SCONTROL_* | SALLOC_* | SRUN_*) unset "$v" ;;
        esac
    done
    export SLURM_CONF="$TC_CONF"
}
