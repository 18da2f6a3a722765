#!/usr/bin/env bash
# The time-limit requeue names its own task, never the whole array. The task whose job id
# equals the array's job id (SLURM's array record, the last task to start) is warned with
# SIGUSR2 while its siblings are finished, running and pending (held): it checkpoints
# (exit 75), its runner requeues `<array>_<task>` only, and the trial finishes as attempt 2.
# No sibling is touched: the finished one is not rerun, the running ones are not restarted,
# the held one stays pending. (`scontrol requeue <array id>` would requeue them all, and fail
# on the pending one.)
source "$(dirname "$0")/lib.sh"
need_slurm
cat > obj.sh <<'SH'
#!/bin/bash
runs=$HPO_TRIAL_DIR/runs.log
echo "start $$ restart=$HPO_RESTART_COUNT attempt=$HPO_ATTEMPT" >> "$runs"
trap 'echo "usr2 $$" >> "$runs"; exit 75' USR2
case $HPO_TRIAL_ID in 0|3) s=1 ;; *) s=40 ;; esac
[ "$HPO_ATTEMPT" -ge 2 ] && s=1
sleep "$s" & wait $!
printf '{"error": %s}\n' "$1" > "$HPO_RESULT.tmp.$$"
mv "$HPO_RESULT.tmp.$$" "$HPO_RESULT"
echo "end $$" >> "$runs"
SH
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/obj.sh {x}" \
  slurm.partition=main slurm.time='"00:05:00"' slurm.signal_grace=10 slurm.job_name=e2e-reqtask \
  hpo.max_concurrent_jobs=3 hpo.max_attempts=3 hpo.output_dir=camp hpo.seed=5
hpo-sample -n 5 | hpo-submit --array --no-collect > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
A=$(head -1 jobs.txt)
# Task 3 waits behind the throttle: hold it, so that it is still pending when task 4 (the
# array's own record, job id A) runs.
scontrol hold "${A}_3" || fail "scontrol hold ${A}_3"
meta_running() {
  [ -f camp/running/trial_4.json ] && grep -qs '^start' camp/trials/trial_4/runs.log &&
    json_get camp/running/trial_4.json 'j["runner"]["slurm_job_id"] == j["runner"]["slurm_array_job_id"]' | grep -qx True
}
wait_until 90 meta_running || fail "trial 4 did not start as job $A: $(squeue -r; ls camp/*)"
[ -f camp/results/trial_0.json ] || fail "trial 0 had not finished before trial 4 started"
for i in 1 2; do [ -f camp/running/trial_$i.json ] || fail "trial $i is not running: $(ls camp/*)"; done
[ -f camp/pending/trial_3.json ] || fail "trial 3 is not pending: $(ls camp/*)"
scancel -b -s USR2 "${A}_4" || fail "scancel -s USR2 ${A}_4"
note "warned task ${A}_4 (job $A) with siblings finished (0), running (1, 2), held (3)"
wait_until 90 test -f camp/results/trial_4.json || fail "trial 4 did not finish after its requeue: $(cat camp/*/trial_4.json; cat camp/slurm/*_4.out)"
# The siblings, at the moment trial 4 finished: untouched.
assert_eq "$(grep -c '^start' camp/trials/trial_0/runs.log)" 1 "executions of the finished trial 0"
for i in 1 2; do
  [ -f camp/running/trial_$i.json ] || fail "trial $i no longer running (it sleeps 40 s): $(ls camp/*; cat camp/*/trial_$i.json)"
  assert_eq "$(grep -c '^start' camp/trials/trial_$i/runs.log)" 1 "executions of running trial $i"
  json_get camp/running/trial_$i.json 'j["runner"]["restart_count"], len(j.get("history", []))' | grep -qx "0 0" \
    || fail "trial $i was restarted: $(cat camp/running/trial_$i.json)"
done
[ -f camp/pending/trial_3.json ] || fail "the held trial 3 left pending/: $(ls camp/*)"
[ -e camp/trials/trial_3/runs.log ] && fail "the held trial 3 ran: $(cat camp/trials/trial_3/runs.log)"
squeue -h -r -j "${A}_3" -o %T | grep -qx PENDING || fail "task ${A}_3 is not pending: $(squeue -r)"
json_get camp/results/trial_4.json 'j["attempt"], [h["state"] for h in j["history"]], j["additional_info"]["restart_count"]' \
  | grep -qx "2 \['requeued'\] 1" || fail "trial 4 record: $(cat camp/results/trial_4.json)"
grep -q "requeued job ${A}_4 as attempt 2" camp/slurm/e2e-reqtask_${A}_4.out || fail "runner log: $(cat camp/slurm/e2e-reqtask_${A}_4.out)"
scontrol release "${A}_3"
wait_until 120 slurm_idle "$A" || fail "jobs did not finish: $(squeue -r)"
hpo-collect camp > collect.out 2> collect.err || fail "collect: $(cat collect.err)"
grep -q "5 trials: 5 finished, 0 running, 0 pending, 0 failed" collect.out || fail "summary: $(cat collect.out collect.err)"
for i in 0 1 2 3; do
  json_get camp/results/trial_$i.json 'j["attempt"], j["additional_info"]["restart_count"], len(j["history"])' | grep -qx "1 0 0" \
    || fail "sibling trial $i was touched: $(cat camp/results/trial_$i.json)"
  assert_eq "$(grep -c '^start' camp/trials/trial_$i/runs.log)" 1 "executions of trial $i"
done
note "ok"
