#!/usr/bin/env bash
# The README's campaign commands on the real cluster, as written (read from the README by its
# campaign-commands marker): first the 4 local trials, then the SLURM command, which adds the
# other 16 trials of the MLP example to the same campaign and chains hpo-collect after them.
# Once from a project folder with only an installed prefix's tools on PATH (hpo-campaign
# finds <prefix>/share/hpo/examples/mlp), once from the root of a stand-in clone with no hpo
# tool on PATH (`sbatch share/slurm/submit_hpo_campaign.sh ...`: the job finds the clone's
# build/tools from its submit folder). Both campaigns run at once.
source "$(dirname "$0")/lib.sh"
need_slurm
need_python sklearn
build="$(cd "$HPO_TOOLS_DIR/.." && pwd)"
cmake --install "$build" --prefix "$SCRATCH/prefix" > install.log 2>&1 || fail "install: $(tail install.log)"
mkdir project
make_clone clone
campaign=hpo_results/mlp_example

# run_readme WHERE BACKEND FOLDER PATH: runs the README's commands in FOLDER; their stdout
# and stderr go to FOLDER/readme_<BACKEND>.out and .err.
run_readme() {
  local line
  while read -r line; do
    note "README ($1): $line"
    (cd "$3" && PATH="$4" bash -c "$line") > "$3/readme_$2.out" 2> "$3/readme_$2.err" \
      || fail "$line: $(cat "$3/readme_$2.err")"
  done < <(readme_campaign_commands "$1" "$2")
}
# submitted_jobs FILE...: the job ids that hpo-submit's output names (arrays, chained jobs).
submitted_jobs() { sed -n 's/^submitted .* job \([0-9][0-9]*\).*/\1/p' "$@" | sort -u; }

run_readme installed local project "$SCRATCH/prefix/bin:/usr/bin:/bin"
run_readme clone local clone /usr/bin:/bin
for dir in project clone; do
  assert_eq "$(count_ended $dir/$campaign)" 4 "local trials (finished or pruned) in $dir"
done

run_readme installed slurm project "$SCRATCH/prefix/bin:/usr/bin:/bin"
grep -q "16 trial(s) added, 4 already known" project/readme_slurm.err || fail "installed: $(cat project/readme_slurm.err)"
jobs=$(submitted_jobs project/readme_slurm.err)
[ -n "$(grep "submitted hpo-collect job" project/readme_slurm.err)" ] || fail "no chained hpo-collect: $(cat project/readme_slurm.err)"
run_readme clone slurm clone /usr/bin:/bin
campaign_job=$(sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p' clone/readme_slurm.out)
[ -n "$campaign_job" ] || fail "sbatch of the campaign script: $(cat clone/readme_slurm.out clone/readme_slurm.err)"
wait_until 120 slurm_idle "$campaign_job" || fail "the campaign job did not end: $(squeue -r)"
log=clone/hpo_campaign_$campaign_job.out
grep -q "16 trial(s) added, 4 already known" "$log" || fail "clone: $(cat "$log")"
grep -q "submitted hpo-collect job" "$log" || fail "no chained hpo-collect from the clone: $(cat "$log")"
jobs="$jobs $(submitted_jobs "$log")"

wait_until 600 slurm_idle $jobs || fail "jobs $jobs did not finish: $(squeue -r)"
for dir in project clone; do
  [ -f $dir/$campaign/final_results.json ] || fail "the chained hpo-collect wrote nothing in $dir"
  hpo-collect $dir/$campaign > $dir/collect.out 2> $dir/collect.err || fail "collect in $dir: $(cat $dir/collect.err)"
  grep -q "20 trials: [0-9]* finished, 0 running, 0 pending, 0 failed, [0-9]* pruned" $dir/collect.out \
    || fail "$dir: $(cat $dir/collect.out $dir/collect.err)"
  assert_eq "$(count_ended $dir/$campaign)" 20 "trials (finished or pruned) in $dir"
  rec19=$(ended_record $dir/$campaign 19)
  json_get "$rec19" 'j["additional_info"]["slurm_array_job_id"] != ""' | grep -qx True \
    || fail "trial 19 in $dir did not run under SLURM: $(cat "$rec19")"
done
json_get project/$campaign/campaign.json 'j["config_dir"]' | grep -qx "$SCRATCH/prefix/share/hpo/examples/mlp" \
  || fail "the installed campaign was not made from the installed example"
json_get clone/$campaign/campaign.json 'j["config_dir"]' | grep -qx "$SCRATCH/clone/examples/mlp" \
  || fail "the clone's campaign was not made from the clone's example"
note "ok"
