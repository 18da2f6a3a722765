#!/usr/bin/env bash
# scancel of one array task leaves that trial failed with reason CANCELLED, the rest done.
source "$(dirname "$0")/lib.sh"
need_slurm
write_objective
write_config hpo.yaml space.x='{uniform: [-1.0, 1.0]}' \
  trial.command="bash $SCRATCH/objective.sh {x}" trial.env='{SLEEP: "8"}' slurm.partition=main \
  slurm.time='"00:05:00"' hpo.max_concurrent_jobs=3 hpo.output_dir=camp hpo.seed=12
hpo-sample -n 6 | hpo-submit --array --no-collect > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
has_job() { grep -l '"slurm_job_id"' camp/running/*.json >/dev/null 2>&1; }
wait_until 60 has_job || fail "no trial started under SLURM"
victim_file=$(grep -l '"slurm_job_id"' camp/running/*.json | head -1)
victim=$(basename "$victim_file" .json); victim=${victim#trial_}
job=$(json_get "$victim_file" 'j["runner"]["slurm_array_job_id"] + "_" + j["runner"]["slurm_array_task_id"]')
scancel "$job"
note "cancelled job $job (trial $victim)"
wait_until 120 slurm_idle $(cat jobs.txt) || fail "jobs did not finish: $(squeue)"
[ -f "camp/running/trial_$victim.json" ] || fail "the cancelled trial is not left in running/ for collect: $(ls camp/*)"
hpo-collect camp > collect.out
[ -f "camp/failed/trial_$victim.json" ] || fail "cancelled trial not in failed/: $(ls camp/*)"
json_get "camp/failed/trial_$victim.json" 'j["reason"]' | grep -q "^CANCELLED" \
  || fail "reason: $(json_get "camp/failed/trial_$victim.json" 'j["reason"]')"
assert_eq "$(count_files camp/results)" 5 "other trials finished"
grep -q "5 finished, 0 running, 0 pending, 1 failed" collect.out || fail "summary: $(cat collect.out)"
note "ok"
