#!/usr/bin/env bash
# The local throttle holds per campaign, not per launcher: three `hpo-submit --local` started
# at once on one campaign with max_concurrent_jobs: 2 never run more than 2 trials at once
# (the trials record their own start and end). A slot whose holder was killed with -9 is
# reclaimed; SIGTERM of a launcher gives its slots back.
source "$(dirname "$0")/lib.sh"
cat > timed.sh <<'SH'
#!/bin/bash
# Records its own start and end (one line each, O_APPEND), then succeeds.
echo "start $(date +%s.%N) $HPO_TRIAL_ID" >> "$TIMES"
sleep "$1"
echo "end $(date +%s.%N) $HPO_TRIAL_ID" >> "$TIMES"
echo '{"error": 0.5}' > "$HPO_RESULT.tmp" && mv "$HPO_RESULT.tmp" "$HPO_RESULT"
SH
chmod +x timed.sh
timed_config() {  # timed_config DIR SLEEP [MAX]
  write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/timed.sh $2" \
    trial.env="{TIMES: \"$SCRATCH/$1.times\"}" hpo.max_concurrent_jobs="${3:-2}" \
    hpo.output_dir="$1" hpo.seed=1
}

# --- three launchers, one campaign, max_concurrent_jobs 2 ---------------------------------
timed_config camp 0.4
hpo-sample -n 12 | hpo-submit --no-start 2>/dev/null
pids=()
for i in 1 2 3; do hpo-submit --local 2> "launcher$i.log" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || fail "a launcher failed: $(cat launcher*.log)"; done
assert_eq "$(count_files camp/results)" 12 "finished trials"
assert_eq "$(grep -c '^start' camp.times)" 12 "trial executions (none twice)"
p=$(peak_of_events < camp.times)
[ "$p" -le 2 ] || fail "$p trials ran at once across three launchers (max_concurrent_jobs: 2)"
[ "$p" -eq 2 ] || fail "the launchers never used both slots (peak $p)"
[ -z "$(ls camp/slots)" ] || fail "slots left taken after every launcher ended: $(ls camp/slots)"
note "three launchers: peak $p"

# --- kill -9 of a launcher and its runner: the dead holder's slot is reclaimed -------------
timed_config camp2 30 1
hpo-sample -n 3 | hpo-submit --local 2> victim.log &
launcher=$!
wait_until 10 at_least camp2/running 1 2>/dev/null || fail "nothing started"
wait_until 10 grep -q '"pid"' camp2/running/trial_0.json || fail "the runner never registered"
slot=camp2/slots/slot_0
[ -L "$slot" ] || fail "no slot taken while a trial runs: $(ls camp2/slots)"
rpid=$(readlink "$slot" | cut -d' ' -f2)  # "host pid pid_start launcher_pid trial_id"
assert_eq "$(json_get camp2/running/trial_0.json 'j["runner"]["pid"]')" "$rpid" "the slot's holder"
trial_group=$(cat /proc/"$rpid"/task/*/children)  # the trial runs in its own process group
kill -9 "$launcher"
wait "$launcher" 2>/dev/null || true
kill -9 "$rpid"
kill -9 -- -"$trial_group"
wait_until 5 bash -c "! grep -qs '^State:.*[RS]' /proc/$rpid/status" || fail "runner $rpid did not die"
[ -L "$slot" ] || fail "the dead holder's slot vanished by itself"
# A new launcher with the same single slot must reclaim it and run the two pending trials.
timed_config camp2 0.1 1
start=$(date +%s)
# --force: the trial is shortened, which changes the frozen trial.command.
hpo-submit --local --force 2> relaunch.log || fail "relaunch failed: $(cat relaunch.log)"
assert_eq "$(count_files camp2/results)" 2 "trials run after reclaiming the dead holder's slot"
[ $(( $(date +%s) - start )) -lt 20 ] || fail "the relaunch waited for the dead holder"
[ -z "$(ls camp2/slots)" ] || fail "slots left taken: $(ls camp2/slots)"

# --- SIGTERM of a launcher gives its slots back --------------------------------------------
timed_config camp3 30
hpo-sample -n 3 | hpo-submit --local 2> term.log &
launcher=$!
wait_until 10 bash -c "[ \$(ls camp3/slots 2>/dev/null | wc -l) -eq 2 ]" || fail "two slots never taken: $(ls camp3/slots)"
wait_until 10 bash -c "grep -l '\"runner\"' camp3/running/*.json | wc -l | grep -qx 2" || fail "runners never registered"
kill -TERM "$launcher"
rc=0; wait "$launcher" || rc=$?
assert_eq "$rc" 130 "exit status of a launcher stopped by SIGTERM"
[ -z "$(ls camp3/slots)" ] || fail "slots left taken after SIGTERM: $(ls camp3/slots)"
assert_eq "$(count_files camp3/pending)" 3 "trials back in pending after SIGTERM"

# --- a slot of another host is never reclaimed: with no other slot, the launcher says so ----
timed_config camp4 0.1 1
hpo-sample -n 1 | hpo-submit --no-start 2>/dev/null
mkdir -p camp4/slots
ln -s "elsewhere-$(hostname) 4242 1 4240 0" camp4/slots/slot_0
rc=0; hpo-submit --local 2> other.log || rc=$?
assert_eq "$rc" 1 "exit status with the only slot held on another host"
grep -q "hpo-submit: error: every slot in .*camp4/slots is held by a process of another host" other.log \
  || fail "other host's slot: $(cat other.log)"
assert_eq "$(count_files camp4/pending)" 1 "trials left pending"
note "ok"
