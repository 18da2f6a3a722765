#!/usr/bin/env bash
# `scontrol requeue` of a running array task on the real cluster: the runner, signalled, leaves
# its trial in running/ marked as ending; an hpo-collect meanwhile leaves it alone (SLURM says
# the job is pending again); the requeued task (same job id) resumes the trial and finishes
# it, with restart_count >= 1, "resuming" in its SLURM log and the restart in its history
# (SLURM restarted it, not the runner). Nothing is lost, and the trial
# never runs twice at once (each execution checks that the previous one is gone).
source "$(dirname "$0")/lib.sh"
need_slurm
write_overlap_objective
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/obj.sh {x}" \
  trial.env='{SLEEP: "15"}' slurm.partition=main slurm.time='"00:05:00"' \
  slurm.job_name=e2e-requeue hpo.max_concurrent_jobs=3 hpo.output_dir=camp hpo.seed=4
n=3
hpo-sample -n $n | hpo-submit --array --no-collect > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
started() { grep -l '"slurm_job_id"' camp/running/*.json >/dev/null 2>&1 && grep -qs '^start' camp/trials/trial_*/runs.log; }
wait_until 90 started || fail "no trial started under SLURM: $(squeue; cat submit.log)"
victim=""
for f in $(grep -l '"slurm_job_id"' camp/running/*.json); do
  id=$(basename "$f" .json); id=${id#trial_}
  if grep -qs '^start' "camp/trials/trial_$id/runs.log"; then victim=$id; break; fi
done
[ -n "$victim" ] || fail "no started trial to requeue"
rec=camp/running/trial_$victim.json
task=$(json_get "$rec" 'j["runner"]["slurm_array_job_id"] + "_" + j["runner"]["slurm_array_task_id"]')
job=$(json_get "$rec" 'j["runner"]["slurm_job_id"]')
sleep 2
scontrol requeue "$task" || fail "scontrol requeue $task refused"
note "requeued task $task (job $job, trial $victim)"
ending() { json_get "$rec" '"ending" in j.get("runner", {})' 2>/dev/null | grep -qx True; }
wait_until 30 ending || fail "the runner did not mark trial $victim as ending: $(cat "$rec"; cat camp/slurm/*_"${task#*_}".out)"
# While the task waits to restart, hpo-collect must not settle the trial.
state=$(squeue -h -j "$job" -o %T)
hpo-collect camp > gap.out 2> gap.err || fail "collect during the requeue: $(cat gap.err)"
[ -f "$rec" ] || fail "hpo-collect settled the requeued trial (SLURM said '$state'): $(cat gap.out gap.err; ls camp/failed)"
grep -q "trial $victim" gap.err && fail "hpo-collect warned about the requeued trial: $(cat gap.err)"
note "during the requeue SLURM said '$state'; the trial stayed in running/"

wait_until 180 slurm_idle $(cat jobs.txt) || fail "jobs did not finish: $(squeue)"
hpo-collect camp > collect.out 2> collect.err || fail "collect: $(cat collect.err)"
grep -q "$n trials: $n finished, 0 running, 0 pending, 0 failed" collect.out \
  || fail "summary: $(cat collect.out collect.err; cat camp/failed/*.json 2>/dev/null)"
res=camp/results/trial_$victim.json
json_get "$res" 'j["additional_info"]["restart_count"] >= 1 and j["additional_info"]["slurm_job_id"] == "'"$job"'"' \
  | grep -qx True || fail "the requeued trial was not resumed by its job: $(cat "$res")"
# SLURM restarted the job on its own (the runner did not requeue it): the history says so.
json_get "$res" '[h["state"] for h in j["history"]], j["history"][0]["reason"].startswith("restarted by SLURM"), j["attempt"]' \
  | grep -qx "\['restarted'\] True 1" || fail "no history entry for SLURM's restart: $(cat "$res")"
log=$(ls camp/slurm/e2e-requeue_"${task%_*}"_"${task#*_}".out)
grep -q "trial $victim: resuming after a restart of job $job" "$log" || fail "no 'resuming' in $log: $(cat "$log")"
runs=camp/trials/trial_$victim/runs.log
grep -q OVERLAP "$runs" && fail "trial $victim ran twice at once: $(cat "$runs")"
assert_eq "$(grep -c '^start' "$runs")" 2 "executions of the requeued trial ($(cat "$runs"))"
grep '^start' "$runs" | tail -1 | grep -q "restart=1 attempt=1" || fail "second execution: $(cat "$runs")"
for ((i = 0; i < n; i++)); do
  [ "$i" = "$victim" ] && continue
  assert_eq "$(grep -c '^start' camp/trials/trial_$i/runs.log)" 1 "executions of trial $i"
  json_get camp/results/trial_$i.json 'j["additional_info"]["restart_count"]' | grep -qx 0 || fail "trial $i restarted"
done
note "ok"
