#!/usr/bin/env bash
# Start a throwaway single-node SLURM cluster whose every file lives under STATE_DIR:
# its own munged (own key and socket), its own slurm.conf, ports, spool, state and logs.
# Never reads or touches /etc/slurm, /etc/munge or a system munged/slurmctld/slurmd.
set -euo pipefail

PROG="start-test-cluster.sh"
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test-cluster-lib.sh
source "$HERE/test-cluster-lib.sh"

usage() {
    cat <<EOF
usage: $PROG STATE_DIR [--max-array-size N] [--cpus N] [--port-base P]
                              [--cred-expire S] [--min-job-age S]

Start a single-node SLURM test cluster with all state under STATE_DIR and wait until its
node is idle. Afterwards:  source STATE_DIR/env.sh   (sets SLURM_CONF)
Stop it with: stop-test-cluster.sh STATE_DIR

  --max-array-size N  MaxArraySize (largest array index is N-1)        [1001]
  --cpus N            CPUs the node claims, whatever the hardware has  [16]
  --port-base P       slurmctld listens on P, slurmd on P+1             [16817]
  --cred-expire S     AuthInfo cred_expire: a requeued job becomes eligible
                      again S+1 seconds after the requeue (SLURM default 120) [10]
  --min-job-age S     MinJobAge: finished jobs stay visible to squeue and
                      scontrol for S..S+60 seconds                     [300]

Every start is a fresh cluster: jobs of an earlier run in STATE_DIR are discarded
(slurmctld -c), but job ids continue where they stopped, so ids are never reused within
one STATE_DIR. If a cluster from STATE_DIR is already running with the same settings,
says so and exits 0; with other settings, fails (stop it first).
EOF
}

max_array_size=1001
cpus=16
port_base=16817
cred_expire=10
min_job_age=300
state_arg=""

need_value() { [[ $# -ge 2 && -n "$2" ]] || tc_usage_error "option $1 needs a value"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --max-array-size) need_value "$@"; max_array_size="$2"; shift 2 ;;
        --max-array-size=*) max_array_size="${1#*=}"; shift ;;
        --cpus) need_value "$@"; cpus="$2"; shift 2 ;;
        --cpus=*) cpus="${1#*=}"; shift ;;
        --port-base) need_value "$@"; port_base="$2"; shift 2 ;;
        --port-base=*) port_base="${1#*=}"; shift ;;
        --cred-expire) need_value "$@"; cred_expire="$2"; shift 2 ;;
        --cred-expire=*) cred_expire="${1#*=}"; shift ;;
        --min-job-age) need_value "$@"; min_job_age="$2"; shift 2 ;;
        --min-job-age=*) min_job_age="${1#*=}"; shift ;;
        --) shift; [[ $# -eq 1 && -z "$state_arg" ]] || tc_usage_error "expected exactly one STATE_DIR"; state_arg="$1"; shift ;;
        -*) tc_usage_error "unknown option '$1'" ;;
        *) [[ -z "$state_arg" ]] || tc_usage_error "expected exactly one STATE_DIR, got '$state_arg' and '$1'"; state_arg="$1"; shift ;;
    esac
done
[[ -n "$state_arg" ]] || tc_usage_error "missing STATE_DIR"

is_uint() { [[ "$1" =~ ^[0-9]+$ ]] && ((10#$1 >= $2 && 10#$1 <= $3)); }
# SLURM's own upper bound for MaxArraySize is 4000001.
is_uint "$max_array_size" 1 4000001 || tc_usage_error "--max-array-size must be an integer in 1..4000001, got '$max_array_size'"
is_uint "$cpus" 1 4096 || tc_usage_error "--cpus must be an integer in 1..4096, got '$cpus'"
is_uint "$port_base" 1024 65534 || tc_usage_error "--port-base must be an integer in 1024..65534, got '$port_base'"
# SLURM rejects cred_expire below 5. MinJobAge 0 would keep finished jobs forever.
is_uint "$cred_expire" 5 86400 || tc_usage_error "--cred-expire must be an integer in 5..86400, got '$cred_expire'"
is_uint "$min_job_age" 2 86400 || tc_usage_error "--min-job-age must be an integer in 2..86400, got '$min_job_age'"
max_array_size=$((10#$max_array_size)); cpus=$((10#$cpus)); port_base=$((10#$port_base))
cred_expire=$((10#$cred_expire)); min_job_age=$((10#$min_job_age))
ctld_port=$port_base
slurmd_port=$((port_base + 1))

tc_set_paths "$state_arg"
tc_need munged munge unmunge slurmctld slurmd sinfo scontrol setsid realpath

# Unix socket paths are limited to 107 bytes; slurmstepd puts "<node>_<jobid>.<step>"
# sockets into the spool directory, so leave room for those too.
node="$(hostname -s)"
[[ -n "$node" ]] || tc_die "hostname -s printed nothing; cannot name the node"
((${#TC_MUNGE_SOCKET} <= 107)) || tc_die "state directory path too long for a unix socket: $TC_MUNGE_SOCKET (${#TC_MUNGE_SOCKET} > 107 bytes); choose a shorter STATE_DIR"
((${#TC_SPOOL} + ${#node} + 24 <= 107)) || tc_die "state directory path too long for slurmstepd sockets under $TC_SPOOL; choose a shorter STATE_DIR"

# munged refuses a socket below a directory that not everybody may search (a 0700 home).
d="$(dirname -- "$TC_DIR")"
while :; do
    if [[ -d "$d" ]]; then
        [[ "$(stat -c %A -- "$d")" == *[xt] ]] ||
            tc_die "munged needs every directory above its socket to be searchable by all, but $d is not (o+x missing); choose a STATE_DIR under /tmp or similar"
    fi
    [[ "$d" != / ]] || break
    d="$(dirname -- "$d")"
done

# --- the slurm.conf this start wants (written below; compared if already running) ---
user="$(id -un)"
# slurmd -C: "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105"
hw="$(slurmd -C 2>/dev/null | head -n 1)" || true
mem="$(sed -n 's/.*RealMemory=\([0-9][0-9]*\).*/\1/p' <<<"$hw")"
[[ -n "$mem" ]] || mem=1000
# The node claims --cpus CPUs (SlurmdParameters=config_overrides makes slurmd accept more
# than the hardware has); the topology must multiply out to CPUs or slurmctld resets it.
node_line="NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN"
# Every task counts against MaxJobCount (default 10000) and slurmctld refuses an array that
# would reach it, so leave room for two full-size arrays.
max_job_count=10000
((2 * max_array_size <= max_job_count)) || max_job_count=$((2 * max_array_size))

conf_text="$(cat <<EOF
# Generated by start-test-cluster.sh for a throwaway test cluster; rewritten on every start.
ClusterName=hpotest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$TC_MUNGE_SOCKET,cred_expire=$cred_expire
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
PlugStackConfig=$TC_PLUGSTACK
MailProg=/bin/true
MaxArraySize=$max_array_size
MaxJobCount=$max_job_count
# sched_interval=1: a periodic full pass every second instead of every 60 s, so a requeued
# job starts as soon as its BeginTime passes, not at the next backfill or main pass.
SchedulerParameters=sched_min_interval=0,batch_sched_delay=0,sched_interval=1
MinJobAge=$min_job_age
KillWait=5
ReturnToService=2
SlurmdTimeout=30
SlurmctldTimeout=30
InactiveLimit=0
StateSaveLocation=$TC_STATE
SlurmdSpoolDir=$TC_SPOOL
SlurmctldPidFile=$(tc_pidfile slurmctld)
SlurmdPidFile=$(tc_pidfile slurmd)
SlurmctldLogFile=$(tc_log slurmctld)
SlurmdLogFile=$(tc_log slurmd)
SlurmctldDebug=info
SlurmdDebug=info
$node_line
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
)"

# --- already running? -----------------------------------------------------------------
tc_read_pids
if ((${#TC_PID_NAMES[@]} > 0)); then
    alive=() dead=()
    for i in "${!TC_PID_NAMES[@]}"; do
        if tc_is_ours "${TC_PID_VALUES[$i]}" "${TC_PID_NAMES[$i]}"; then
            alive+=("${TC_PID_NAMES[$i]}=${TC_PID_VALUES[$i]}")
        else
            dead+=("${TC_PID_NAMES[$i]}=${TC_PID_VALUES[$i]}")
        fi
    done
    if ((${#alive[@]} == 3 && ${#dead[@]} == 0)); then
        # Same options: nothing to do. Other options: the caller would silently get a cluster
        # it did not ask for (say MaxArraySize=1001 instead of 50), so refuse.
        if [[ "$(cat -- "$TC_CONF" 2>/dev/null)" != "$conf_text" ]]; then
            diff <(cat -- "$TC_CONF" 2>/dev/null) <(printf '%s\n' "$conf_text") | grep '^[<>]' >&2 || true
            tc_die "cluster in $TC_DIR is already running with other settings (< running, > requested); stop it first with stop-test-cluster.sh $TC_DIR"
        fi
        tc_info "cluster in $TC_DIR is already running (${alive[*]}); nothing to do"
        tc_info "use it with: source $TC_ENV"
        exit 0
    fi
    if ((${#alive[@]} > 0)); then
        tc_die "cluster in $TC_DIR is only partly running (alive: ${alive[*]}; gone: ${dead[*]}); run stop-test-cluster.sh $TC_DIR first"
    fi
    tc_info "stale pid file $TC_PIDS (no daemon alive: ${dead[*]}); starting afresh"
fi

# --- prepare the state directory --------------------------------------------------------
if [[ -e "$TC_DIR" ]]; then
    [[ -d "$TC_DIR" ]] || tc_die "$TC_DIR exists and is not a directory"
    if [[ ! -e "$TC_MARKER" ]] && [[ -n "$(ls -A -- "$TC_DIR")" ]]; then
        tc_die "$TC_DIR is not empty and was not made by $PROG (no $TC_MARKER); refusing to write into it"
    fi
fi

port_in_use() {
    # ss prints one line per listening socket matching the filter.
    [[ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]]
}
if command -v ss >/dev/null 2>&1; then
    for p in "$ctld_port" "$slurmd_port"; do
        ! port_in_use "$p" || tc_die "TCP port $p is already in use (another cluster or a system SLURM?); choose another --port-base"
    done
fi

mkdir -p -- "$TC_DIR"
: >"$TC_MARKER"
# A fresh cluster each time: slurmctld -c discards the jobs in the state directory but
# still reads the next job id from it, so the state directory is kept and ids are not
# reused; the spool (scripts of killed jobs), munge key and pid files are recreated; the
# previous logs are kept once as *.prev for post-mortems.
rm -rf -- "$TC_SPOOL" "$TC_RUN_DIR" "$TC_MUNGE_DIR" "$TC_PIDS" "$TC_ENV"
mkdir -p -- "$TC_STATE" "$TC_SPOOL" "$TC_RUN_DIR" "$TC_LOG_DIR" "$TC_MUNGE_DIR"
# munged insists that everybody can traverse its socket directory and that nobody else
# can write to it; the key itself must be private.
chmod 755 -- "$TC_DIR" "$TC_MUNGE_DIR" "$TC_SPOOL"
chmod 700 -- "$TC_STATE"
for log in "$(tc_log munged)" "$(tc_log slurmctld)" "$(tc_log slurmd)" "$(tc_out slurmctld)" "$(tc_out slurmd)"; do
    if [[ -e "$log" ]]; then mv -f -- "$log" "$log.prev"; fi
done
: >"$TC_PLUGSTACK"

if command -v mungekey >/dev/null 2>&1; then
    mungekey --create --keyfile="$TC_MUNGE_KEY" || tc_die "mungekey failed to create $TC_MUNGE_KEY"
else
    (umask 077 && dd if=/dev/urandom of="$TC_MUNGE_KEY" bs=1 count=1024 status=none) ||
        tc_die "failed to create munge key $TC_MUNGE_KEY"
fi
chmod 600 -- "$TC_MUNGE_KEY"

# --- slurm.conf ---------------------------------------------------------------------------
conf_tmp="$TC_CONF.tmp.$$"
printf '%s\n' "$conf_text" >"$conf_tmp"
mv -f -- "$conf_tmp" "$TC_CONF"

# --- launch -------------------------------------------------------------------------------
launched=()   # "name pid" of everything this run started, for clean-up on failure
started_ok=0

record_pid() {
    launched+=("$1 $2")
    printf '%s\n' "${launched[@]}" >"$TC_PIDS.tmp.$$"
    mv -f -- "$TC_PIDS.tmp.$$" "$TC_PIDS"
}

show_log() {
    local f="$1"
    [[ -s "$f" ]] || return 0
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 30 -- "$f" >&2
}

on_exit() {
    local rc=$?
    rm -f -- "$TC_PIDS.tmp.$$" "$conf_tmp" 2>/dev/null || true
    ((started_ok)) && return 0
    ((rc != 0)) || rc=1
    # With -D the SLURM daemons copy their log to stderr (*.out), which also holds the
    # errors printed before the log file is opened (bad slurm.conf, ...).
    show_log "$(tc_log munged)"
    show_log "$(tc_out slurmctld)"
    show_log "$(tc_out slurmd)"
    local i name pid
    for ((i = ${#launched[@]} - 1; i >= 0; i--)); do
        read -r name pid <<<"${launched[$i]}"
        if tc_is_ours "$pid" "$name"; then
            kill -TERM "$pid" 2>/dev/null || true
            tc_wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    rm -f -- "$TC_PIDS"
    printf '%s: error: cluster in %s did not come up; daemons stopped, logs kept in %s\n' "$PROG" "$TC_DIR" "$TC_LOG_DIR" >&2
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# launch NAME OUT CMD...: start CMD in the foreground mode of the daemon, in its own session
# (so it survives this script and the caller's terminal), with stdout and stderr appended
# to OUT and nothing inherited from the caller (a CI log pipe would never see EOF), and
# record its pid. HPO_TEST_CLUSTER_DIR lets stop-test-cluster.sh find stray slurmstepds.
launch() {
    local name="$1" out="$2" pid
    shift 2
    HPO_TEST_CLUSTER_DIR="$TC_DIR" setsid "$@" </dev/null >>"$out" 2>&1 &
    pid=$!
    record_pid "$name" "$pid"
    # setsid execs in place unless it is a process group leader; make sure $! is the daemon.
    local deadline=$((SECONDS + 5))
    until tc_is_ours "$pid" "$name"; do
        [[ -n "$(tc_cmdline "$pid")" ]] || tc_die "$name exited right after start"
        ((SECONDS < deadline)) || tc_die "pid $pid is not $name (setsid forked?)"
        sleep 0.05
    done
    LAUNCHED_PID=$pid
}

# wait_for NAME PID SECONDS WHAT CMD...: poll CMD until it succeeds; fail if the daemon dies
# or time runs out.
wait_for() {
    local name="$1" pid="$2" secs="$3" what="$4"
    shift 4
    local deadline=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        tc_is_ours "$pid" "$name" || tc_die "$name (pid $pid) died while waiting for $what"
        ((SECONDS < deadline)) || tc_die "timed out after ${secs}s waiting for $what"
        sleep 0.2
    done
}

t0=$SECONDS
# munged in the foreground logs to stderr only, so its stderr is its log.
launch munged "$(tc_log munged)" munged --foreground --socket="$TC_MUNGE_SOCKET" --key-file="$TC_MUNGE_KEY" \
    --pid-file="$(tc_pidfile munged)" --log-file="$(tc_log munged)" --seed-file="$TC_MUNGE_SEED"
munged_pid=$LAUNCHED_PID
munge_ok() { munge -n -S "$TC_MUNGE_SOCKET" | unmunge -S "$TC_MUNGE_SOCKET"; }
wait_for munged "$munged_pid" 10 "munged to answer on $TC_MUNGE_SOCKET" munge_ok

tc_slurm_env
launch slurmctld "$(tc_out slurmctld)" slurmctld -D -c -f "$TC_CONF"
ctld_pid=$LAUNCHED_PID
ctld_up() { scontrol ping | grep -q 'is UP'; }
wait_for slurmctld "$ctld_pid" 20 "slurmctld to answer on port $ctld_port" ctld_up

launch slurmd "$(tc_out slurmd)" slurmd -D -N "$node" -f "$TC_CONF"
slurmd_pid=$LAUNCHED_PID
node_idle() { [[ "$(sinfo -h -n "$node" -o '%T')" == idle ]]; }
wait_for slurmd "$slurmd_pid" 30 "node $node to become idle" node_idle
# slurmctld must still be there too (it answered sinfo, but be explicit).
tc_is_ours "$ctld_pid" slurmctld || tc_die "slurmctld died during start"

cat >"$TC_ENV.tmp.$$" <<EOF
# Generated by $PROG: point SLURM clients at the test cluster in $TC_DIR.
export SLURM_CONF=$TC_CONF
EOF
mv -f -- "$TC_ENV.tmp.$$" "$TC_ENV"

started_ok=1
tc_info "cluster up in $((SECONDS - t0))s: node $node idle, $cpus CPUs, MaxArraySize=$max_array_size, ports $ctld_port/$slurmd_port"
tc_info "pids: munged=$munged_pid slurmctld=$ctld_pid slurmd=$slurmd_pid (recorded in $TC_PIDS)"
tc_info "use it with: source $TC_ENV"
