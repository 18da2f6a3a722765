#!/usr/bin/env bash
# The MLP example through the Python helper on the real cluster: a trial longer than its
# time limit gets SIGUSR2 before the limit, checkpoints through hpo_trial, is requeued by
# its runner (same job id, next attempt) and finishes, resumed from its checkpoint. SLURM
# sends the signal 11-19 s into each one-minute attempt here (its timer is coarse), so the
# 30 epochs of a second each take two or three attempts; eight are allowed.
source "$(dirname "$0")/lib.sh"
need_slurm
$PY -c "import sklearn" 2>/dev/null || fail "python3-sklearn missing"
write_config hpo.yaml space.hidden_sizes='[[32, 16]]' space.batch_size='[64]' \
  space.lr='{loguniform: [1.0e-3, 1.0e-2]}' space.weight_decay='{loguniform: [1.0e-5, 1.0e-3]}' \
  space.max_epochs='[30]' \
  trial.command="/usr/bin/python3 $HPO_SOURCE_DIR/examples/mlp/train.py --config {config_file}" \
  trial.env='{HPO_EXAMPLE_SLEEP_PER_EPOCH: "1"}' slurm.partition=main slurm.time='"00:01:00"' \
  slurm.signal_grace=45 hpo.max_attempts=8 hpo.output_dir=camp hpo.seed=2
hpo-sample -n 1 | hpo-submit --array --no-collect > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
done_or_failed() { at_least camp/results 1 || at_least camp/failed 1; }
wait_until 420 done_or_failed || fail "trial neither finished nor failed: $(ls camp/*; squeue)"
[ -f camp/results/trial_0.json ] || fail "trial failed: $(cat camp/failed/trial_0.json)"
json_get camp/results/trial_0.json 'j["additional_info"]["resumes"] >= 1, j["attempt"] >= 2, any(h["state"] == "requeued" for h in j["history"]), j["additional_info"]["epochs_run"]' \
  | grep -q "^True True True 30$" || fail "no checkpointed resume: $(cat camp/results/trial_0.json)"
grep -q "SIGUSR2" camp/slurm/*.out || fail "no SIGUSR2 seen by the runner"
grep -q "requeued job" camp/slurm/*.out || fail "runner did not requeue"
note "ok: $(json_get camp/results/trial_0.json 'j["attempt"], j["additional_info"]["resumes"]')"
