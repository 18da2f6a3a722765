#!/usr/bin/env bash
# Extending a campaign while its first array is still queued keeps max_concurrent_jobs for
# the whole campaign: the new array is chained (afterany) after the campaign's queued arrays
# instead of running beside them with a throttle of its own.
source "$(dirname "$0")/lib.sh"
need_slurm
write_objective
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/objective.sh {x}" \
  trial.env='{SLEEP: "3"}' slurm.partition=main slurm.time='"00:05:00"' slurm.job_name=e2e-extend \
  hpo.max_concurrent_jobs=2 hpo.output_dir=camp hpo.seed=7
hpo-sample -n 6 | hpo-submit --array --no-collect > jobs1.txt 2> submit1.log || fail "submit: $(cat submit1.log)"
wait_until 60 at_least camp/running 1 || fail "nothing started: $(squeue -r)"
hpo-sample --start 6 -n 4 | hpo-submit --array --no-collect > jobs2.txt 2> submit2.log || fail "extend: $(cat submit2.log)"
grep -q "after job $(head -1 jobs1.txt)" submit2.log || fail "the new array is not chained after the queued one: $(cat submit2.log)"
wait_until 180 slurm_idle $(cat jobs1.txt jobs2.txt) || fail "jobs did not finish: $(squeue -r)"
hpo-collect camp > collect.out 2> collect.err || fail "collect: $(cat collect.err)"
grep -q "10 trials: 10 finished" collect.out || fail "summary: $(cat collect.out collect.err)"
peak=$(max_overlap camp)
[ "$peak" -le 2 ] || fail "$peak trials ran at once with max_concurrent_jobs 2"
note "ok: at most $peak at once"
