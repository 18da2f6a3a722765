#!/usr/bin/env bash
# Early stopping on the real cluster, with a trial requeued mid-rung: an ASHA campaign as one
# job array, %3. Trial 0 reaches rung 0 (epoch 1, judged "continue") and pauses at epoch 2;
# meanwhile its siblings run, fill rung 0 and end, finished or pruned. Then trial 0's task is
# warned with SIGUSR2 (scancel -b -s USR2, as before a time limit): the trial exits 75, the
# runner requeues its task, and the second attempt, on the same job id, reports rung 0 again
# with a value that would stop it. It is not judged again: its rung-0 decision file is
# unchanged, rung 0 holds its first value only, and it stops at rung 1 instead. Every trial
# ends finished or pruned, with consistent records.
source "$(dirname "$0")/lib.sh"
need_slurm
write_curve_objective
write_config hpo.yaml space.x='{uniform: [0, 0.5]}' trial.command="bash $SCRATCH/curve.sh {x}" \
  trial.env='{PAUSE_TRIAL: "0", PENALTY: "5", SLEEP: "0.2"}' pruner.kind=asha pruner.max_resource=9 \
  slurm.partition=main slurm.time='"00:05:00"' slurm.signal_grace=10 slurm.job_name=e2e-prune \
  hpo.max_concurrent_jobs=3 hpo.max_attempts=2 hpo.output_dir=camp hpo.seed=5
n=6
hpo-sample -n $n | hpo-submit --array --no-collect > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
wait_until 90 test -e camp/trials/trial_0/paused || fail "trial 0 did not reach its pause: $(squeue; cat submit.log)"
decision=camp/trials/trial_0/prune/bracket_0.rung_0.json
first=$(cat "$decision")
json_get "$decision" 'j["verdict"]' | grep -qx continue || fail "trial 0 at rung 0: $first"
# Siblings: finished or pruned while trial 0 waits in its task (running, pending, ended at once).
wait_until 120 ended_exactly camp $((n - 1)) || fail "the other trials did not end: $(ls camp/*/; squeue)"
assert_eq "$(ls camp/rungs/bracket_0.rung_0 | wc -l)" $n "values at rung 0 before the requeue"
rec=camp/running/trial_0.json
task=$(json_get "$rec" 'j["runner"]["slurm_array_job_id"] + "_" + j["runner"]["slurm_array_task_id"]')
job=$(json_get "$rec" 'j["runner"]["slurm_job_id"]')
scancel -b -s USR2 "$task" || fail "scancel -s USR2 $task"
note "warned task $task (job $job) of trial 0 mid-rung"
wait_until 180 test -e camp/pruned/trial_0.json -o -e camp/results/trial_0.json -o -e camp/failed/trial_0.json \
  || fail "trial 0 did not end after its requeue: $(cat camp/running/trial_0.json; squeue; cat camp/slurm/*_0.out)"
wait_until 60 slurm_idle $(cat jobs.txt) || fail "jobs did not end: $(squeue)"
res=camp/pruned/trial_0.json
[ -f "$res" ] || fail "trial 0 was not pruned: $(cat camp/*/trial_0.json)"
assert_eq "$(cat "$decision")" "$first" "trial 0's rung-0 decision after the requeue"
assert_eq "$(ls camp/rungs/bracket_0.rung_0 | grep -c '\.0$')" 1 "trial 0's values at rung 0"
json_get "$res" 'j["pruned"]["rung"], j["pruned"]["step"], j["attempt"], j["additional_info"]["slurm_job_id"]' \
  | grep -qx "1 3 2 $job" || fail "trial 0 should stop at rung 1 in its second attempt, same job: $(cat "$res")"
json_get "$res" '[h["state"] for h in j["history"]]' | grep -qx "\['requeued'\]" || fail "history: $(cat "$res")"
assert_eq "$(cat camp/trials/trial_0/runs.log | tr '\n' ' ')" "start 1 0 start 2 1 " "executions of trial 0 (attempt, restart count)"
hpo-collect camp > collect.out 2> collect.err || fail "collect: $(cat collect.err)"
grep -q "$n trials: [0-9]* finished, 0 running, 0 pending, 0 failed, [0-9]* pruned" collect.out \
  || fail "summary: $(cat collect.out collect.err)"
check_pruned_campaign camp $n >&2
note "ok"
