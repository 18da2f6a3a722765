#!/usr/bin/env bash
# The seed's one-line campaign start: `hpo-campaign --config NAME` (share/slurm/
# submit_hpo_campaign.sh) finds hpo/config/NAME.yaml, samples and submits; with --array under
# SLURM it chains hpo-collect, locally it runs the trials; a missing config is a clear error.
source "$(dirname "$0")/lib.sh"
script="$HPO_SOURCE_DIR/share/slurm/submit_hpo_campaign.sh"
write_objective
mkdir -p hpo/config
cat > hpo/config/quad.yaml <<YAML
space:
  x: {uniform: [-1.0, 1.0]}
trial:
  command: bash $SCRATCH/objective.sh {x}
slurm:
  time: "00:05:00"
hpo:
  n_trials: 5
  max_concurrent_jobs: 2
  output_dir: camp
  seed: 9
YAML
PATH="$HPO_TOOLS_DIR:$PATH" bash "$script" --config quad --local 2> local.err || fail "local campaign: $(cat local.err)"
assert_eq "$(count_files camp/results)" 5 "trials of the local campaign"
if bash "$script" --config nosuch 2> missing.err; then fail "a missing config was accepted"; fi
grep -q "hpo-campaign: error: no config 'nosuch' (looked for" missing.err || fail "missing config: $(cat missing.err)"
bash "$script" --help | grep -q -- "--config NAME" || fail "no usage"
if [ -n "${HPO_TEST_SLURM_CONF:-}" ]; then
  export SLURM_CONF="$HPO_TEST_SLURM_CONF"
  sed -i 's/output_dir: camp/output_dir: camp_slurm/' hpo/config/quad.yaml
  bash "$script" --config quad > jobs.txt 2> slurm.err || fail "array campaign: $(cat slurm.err)"
  collect_job=$(sed -n 's/^submitted hpo-collect job \([0-9]*\).*/\1/p' slurm.err)
  [ -n "$collect_job" ] || fail "no chained hpo-collect: $(cat slurm.err)"
  wait_until 180 slurm_idle $(cat jobs.txt) "$collect_job" || fail "jobs did not finish"
  assert_eq "$(count_files camp_slurm/results)" 5 "trials of the SLURM campaign"
  [ -f camp_slurm/final_results.json ] || fail "the chained hpo-collect wrote nothing"
fi
note "ok"
