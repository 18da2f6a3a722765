#!/usr/bin/env bash
# On the real test cluster: `hpo-sample | hpo-submit --array` runs a 40-trial campaign with
# max_concurrent_jobs 4, split into several arrays when MaxArraySize is below 40; never more
# than 4 trials run at once; the dependent hpo-collect job runs after the last task and
# writes final_results.json; submitting again submits nothing.
source "$(dirname "$0")/lib.sh"
need_slurm
write_objective
max_array=$(scontrol show config | awk '/^MaxArraySize/ {print $3}')
write_config hpo.yaml space.x='{uniform: [-1.0, 1.0]}' \
  trial.command="bash $SCRATCH/objective.sh {x}" trial.env='{SLEEP: "1"}' slurm.partition=main \
  slurm.time='"00:05:00"' slurm.job_name=e2e-campaign hpo.n_trials=40 hpo.max_concurrent_jobs=4 \
  hpo.output_dir=camp hpo.seed=11
hpo-sample | hpo-submit --array > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
arrays=$(wc -l < jobs.txt)
collect_job=$(sed -n 's/^submitted hpo-collect job \([0-9]*\).*/\1/p' submit.log)
[ -n "$collect_job" ] || fail "no dependent hpo-collect job: $(cat submit.log)"
expected_arrays=$(( (40 + max_array - 1) / max_array ))
assert_eq "$arrays" "$expected_arrays" "arrays for 40 trials with MaxArraySize $max_array"
note "MaxArraySize $max_array: $arrays array(s), collect job $collect_job"
squeue -h -j "$collect_job" -o "%E" | grep -q "afterany:$(tail -1 jobs.txt)" \
  || fail "collect job dependency: $(squeue -h -j "$collect_job" -o "%E")"

# Submitting the same campaign again while it is queued submits nothing.
hpo-submit --array > jobs2.txt 2> submit2.log
[ ! -s jobs2.txt ] || fail "second submission submitted $(cat jobs2.txt)"
grep -q "nothing to submit" submit2.log || fail "second submission: $(cat submit2.log)"

wait_until 400 slurm_idle $(cat jobs.txt) "$collect_job" || fail "jobs did not finish: $(squeue)"
assert_eq "$(count_files camp/results)" 40 "finished trials ($(ls camp/failed))"
overlap=$(max_overlap camp)
[ "$overlap" -le 4 ] || fail "$overlap trials ran at once, more than max_concurrent_jobs 4"
[ "$overlap" -ge 2 ] || fail "trials never ran in parallel"
note "most trials at once: $overlap"
[ -f camp/final_results.json ] || fail "the dependent hpo-collect wrote no final_results.json"
last_end=$($PY -c 'import json,glob; print(max(json.load(open(f))["additional_info"]["end_time"] for f in glob.glob("camp/results/*.json")))')
$PY -c "import json,sys; j=json.load(open('camp/final_results.json')); sys.exit(not (j['counts']['finished'] == 40 and j['updated_at'] >= $last_end))" \
  || fail "final_results.json not written after the last task: $(cat camp/final_results.json)"
grep -q "40 finished, 0 running, 0 pending, 0 failed" camp/slurm/e2e-campaign-collect_"$collect_job".out \
  || fail "collect job output: $(cat camp/slurm/*collect* 2>&1)"
json_get camp/results/trial_39.json 'j["additional_info"]["slurm_array_job_id"] in open("jobs.txt").read().split()' | grep -qx True \
  || fail "trial 39 does not name its array job"
ls camp/slurm/array_*.sbatch >/dev/null || fail "rendered scripts not kept"
note "ok"
