#!/usr/bin/env bash
# hpo-collect --cancel stops a campaign with retries (max_attempts 3): it marks the campaign
# cancelled and scancels its arrays and chained job. Nothing is resubmitted afterwards (not
# by the chained hpo-collect --resubmit, not by a later one); the running trials are recorded
# as failed, cancelled by the user, with no retry. An explicit hpo-submit resumes it.
source "$(dirname "$0")/lib.sh"
need_slurm
write_objective
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/objective.sh {x}" \
  trial.env='{SLEEP: "60"}' slurm.partition=main slurm.time='"00:05:00"' hpo.max_concurrent_jobs=2 \
  hpo.max_attempts=3 hpo.output_dir=camp hpo.seed=8
hpo-sample -n 4 | hpo-submit --array > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
grep -q "submitted hpo-collect job" submit.log || fail "no chained collect: $(cat submit.log)"
two_running() { [ "$(grep -l '"slurm_job_id"' camp/running/*.json 2>/dev/null | wc -l)" -eq 2 ]; }
wait_until 60 two_running || fail "two trials did not start: $(squeue -r; ls camp/*)"
records_before=$(ls camp/slurm/job_*.json | wc -l)
# The default job names name the campaign: squeue -n lists its arrays and chained collect.
assert_eq "$(squeue -h -r -n hpo-camp -t PENDING,RUNNING | wc -l)" 4 "array tasks named hpo-camp"
assert_eq "$(squeue -h -n hpo-camp-collect | wc -l)" 1 "collect jobs named hpo-camp-collect"
# A job of the same user that is not the campaign's must survive the cancel.
bystander=$(sbatch --parsable --job-name=bystander --partition=main --time=0:05:00 \
  --output=/dev/null --wrap="sleep 120") || fail "bystander sbatch"
hpo-collect --cancel camp > cancel.out 2> cancel.err || fail "cancel: $(cat cancel.out cancel.err)"
[ -f camp/cancelled.json ] || fail "no cancel mark"
grep -q "cancelled job(s)" cancel.out || fail "cancel output: $(cat cancel.out)"
# The jobs end; the chained collect would have run right after the array: wait past that.
wait_until 60 slurm_idle $(ls camp/slurm/job_*.json | sed 's/.*job_\(.*\)\.json/\1/') || fail "jobs still queued: $(squeue -r)"
sleep 8
assert_eq "$(ls camp/slurm/job_*.json | wc -l)" "$records_before" "submissions after the cancel"
[ -z "$(squeue -h -n hpo-camp,hpo-camp-collect -t PENDING,RUNNING)" ] || fail "jobs of the campaign remain: $(squeue)"
squeue -h -j "$bystander" -t PENDING,RUNNING | grep -q . || fail "the cancel touched an unrelated job: $(squeue -a)"
scancel "$bystander"
hpo-collect camp > collect.out 2> collect.err || fail "collect: $(cat collect.err)"
grep -q "4 trials: 0 finished, 0 running, 2 pending, 2 failed" collect.out || fail "summary: $(cat collect.out collect.err)"
for f in camp/failed/*.json; do
  json_get "$f" 'j["reason"]' | grep -q "^cancelled by the user (hpo-collect --cancel at .*): CANCELLED" \
    || fail "reason in $f: $(json_get "$f" 'j["reason"]')"
  json_get "$f" 'j["attempt"], len(j["history"])' | grep -qx "1 1" || fail "retried: $(cat "$f")"
done
hpo-collect --resubmit camp > resubmit.out 2>&1 || fail "resubmit: $(cat resubmit.out)"
grep -q "not resubmitting: the campaign was cancelled by the user" resubmit.out || fail "resubmit: $(cat resubmit.out)"
assert_eq "$(ls camp/slurm/job_*.json | wc -l)" "$records_before" "submissions after --resubmit"
assert_eq "$(count_files camp/failed)" 2 "failed trials after --resubmit"
# An explicit hpo-submit resumes the campaign (and is stopped again here).
hpo-submit --array --no-collect > jobs2.txt 2> resume.log || fail "resume: $(cat resume.log)"
grep -q "resuming it" resume.log || fail "resume: $(cat resume.log)"
[ -f camp/cancelled.json ] && fail "the cancel mark stayed after hpo-submit"
[ -s jobs2.txt ] || fail "nothing resubmitted: $(cat resume.log)"
hpo-collect --cancel camp > cancel2.out 2>&1 || fail "second cancel: $(cat cancel2.out)"
wait_until 60 slurm_idle $(cat jobs2.txt) || fail "resumed jobs still queued: $(squeue -r)"
note "ok"
