#!/usr/bin/env bash
# The seed's one-line campaign start: `hpo-campaign --config NAME` (share/slurm/
# submit_hpo_campaign.sh) finds hpo/config/NAME.yaml, samples and submits; with --array under
# SLURM it chains hpo-collect, locally it runs the trials; a missing config is a clear error
# naming every place looked in. An example is found by its folder name or its campaign name
# (shell, shell_example), in the current folder first, then in the repository's examples/.
# --help is a usage text, not the script's #SBATCH lines. Last, the README's clone commands
# run with --local as written, in a stand-in clone, with no hpo tool on PATH.
source "$(dirname "$0")/lib.sh"
script="$HPO_SOURCE_DIR/share/slurm/submit_hpo_campaign.sh"
write_objective
mkdir -p hpo/config
write_config hpo/config/quad.yaml space.x='{uniform: [-1.0, 1.0]}' \
  trial.command="bash $SCRATCH/objective.sh {x}" slurm.time='"00:05:00"' hpo.n_trials=5 \
  hpo.max_concurrent_jobs=2 hpo.output_dir=camp hpo.seed=9
PATH="$HPO_TOOLS_DIR:$PATH" bash "$script" --config quad --local 2> local.err || fail "local campaign: $(cat local.err)"
assert_eq "$(count_files camp/results)" 5 "trials of the local campaign"
if bash "$script" --config nosuch 2> missing.err; then fail "a missing config was accepted"; fi
grep -q "^hpo-campaign: error: no config 'nosuch': looked for nosuch, hpo/config/nosuch.yaml, config/nosuch.yaml, nosuch.yaml, examples/nosuch/hpo.yaml, $HPO_SOURCE_DIR/examples/nosuch/hpo.yaml (relative paths in $SCRATCH)" \
  missing.err || fail "missing config: $(cat missing.err)"
bash "$script" --help > help.txt || fail "--help failed"
grep -q "^usage: hpo-campaign --config NAME" help.txt || fail "no usage: $(cat help.txt)"
grep -q "^examples:" help.txt || fail "--help has no examples: $(cat help.txt)"
grep -q "SBATCH" help.txt && fail "--help shows the script's #SBATCH lines: $(cat help.txt)"

# An example by its folder name and by its campaign name, from a folder that is not the clone.
mkdir elsewhere && cd elsewhere
for name in shell shell_example; do
  PATH=/usr/bin:/bin bash "$script" --config $name --local -n 2 2> $name.err || fail "--config $name: $(cat $name.err)"
  grep -q "^hpo-campaign: config $HPO_SOURCE_DIR/examples/shell/hpo.yaml$" $name.err || fail "--config $name: $(cat $name.err)"
done
assert_eq "$(count_files hpo_results/shell_example/results)" 2 "trials of the shell example run from elsewhere"
# A project's own examples/NAME comes before the repository's.
mkdir examples && cp -r "$HPO_SOURCE_DIR/examples/shell" examples/
sed -i 's/output_dir: .*/output_dir: own/' examples/shell/hpo.yaml
PATH=/usr/bin:/bin bash "$script" --config shell_example --local -n 1 2> own.err || fail "own example: $(cat own.err)"
grep -q "^hpo-campaign: config examples/shell/hpo.yaml$" own.err || fail "own example not preferred: $(cat own.err)"
assert_eq "$(count_files own/results)" 1 "trials of the project's own copy"
cd "$SCRATCH"
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

# The README's commands in a clone, with --local, as written, from the clone's root.
need_python sklearn
make_clone clone
while read -r line; do
  note "README: $line"
  (cd clone && PATH=/usr/bin:/bin bash -c "$line") > readme.out 2> readme.err || fail "$line: $(cat readme.err)"
done < <(readme_campaign_commands clone local)
assert_eq "$(count_ended clone/hpo_results/mlp_example)" 4 "trials (finished or pruned) of the README's command ($(cat readme.err))"
json_get clone/hpo_results/mlp_example/campaign.json 'j["config_dir"]' | grep -qx "$SCRATCH/clone/examples/mlp" \
  || fail "the campaign was not made from the clone's example: $(cat clone/hpo_results/mlp_example/campaign.json)"
note "ok"
