#!/usr/bin/env bash
# The frozen config is never silently replaced, and nothing recorded disappears from the
# summaries:
#  - a second hpo-submit with the same space and seed but another metric, mode or command is
#    refused with exit 2 naming the key and --force; campaign.yaml is unchanged and the
#    finished trials are still counted;
#  - settings that do not change what is measured (n_trials, max_concurrent_jobs, slurm) may
#    change without --force;
#  - with --force a new metric is taken; the trials finished under the old one stay counted,
#    in results.csv and in the report (without a value for the new metric); the best is
#    chosen among those that have it.
source "$(dirname "$0")/lib.sh"
cat > obj.sh <<'SH'
#!/bin/bash
printf '{"error": %s, "acc": %s}\n' "$1" "$2" > "$HPO_RESULT"
SH
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/obj.sh {x} 0.5" \
  hpo.output_dir=camp hpo.seed=1 hpo.metric=error hpo.mode=min
hpo-sample -n 3 | hpo-submit --local 2> s1.err || fail "first submit: $(cat s1.err)"
assert_eq "$(count_files camp/results)" 3 "finished trials"
cp camp/campaign.yaml frozen.yaml

variant() {  # NAME SED-EXPRESSION
  sed "$2" hpo.yaml > "$1.yaml"
}
variant metric 's/metric: error/metric: acc/'
variant mode 's/mode: min/mode: max/'
variant command 's/{x} 0.5/{x} 0.7/'
for v in metric:hpo.metric mode:hpo.mode command:trial.command; do
  name=${v%%:*} key=${v#*:}
  rc=0; hpo-sample -c $name.yaml -n 4 | hpo-submit -c $name.yaml --local 2> $name.err || rc=$?
  assert_eq "$rc" 2 "second submit with another $key"
  grep -q "^hpo-submit: error: .*$key" $name.err || fail "$key: $(cat $name.err)"
  grep -q -- "--force" $name.err || fail "$key: no --force hint: $(cat $name.err)"
  cmp -s camp/campaign.yaml frozen.yaml || fail "$key: campaign.yaml was replaced"
done
assert_eq "$(count_files camp/pending)" 0 "trials added by a refused submit"
hpo-collect camp > c1.out 2> c1.err || fail "collect: $(cat c1.err)"
grep -q "3 trials: 3 finished" c1.out || fail "collect after refused submits: $(cat c1.out)"

# Settings that do not change what is measured.
variant settings 's/seed: 1/seed: 1\n  max_concurrent_jobs: 3\n  n_trials: 40/'
hpo-sample -c settings.yaml -n 4 | hpo-submit -c settings.yaml --local 2> st.err || fail "settings: $(cat st.err)"
grep -q "max_concurrent_jobs: 3" camp/campaign.yaml || fail "the new settings were not taken"
assert_eq "$(count_files camp/results)" 4 "finished trials"

# --force with another metric: nothing recorded disappears.
sed -i 's/{x} 0.5/{x} 0.9/' metric.yaml
hpo-sample -c metric.yaml -n 6 | hpo-submit -c metric.yaml --force --local 2> f.err || fail "forced: $(cat f.err)"
rm camp/results/trial_4.json  # (gone by hand: not counted, that is all)
json_get camp/results/trial_5.json 'j["acc"]' | grep -qx 0.9 || fail "trial 5: $(cat camp/results/trial_5.json)"
hpo-collect camp > c2.out 2> c2.err || fail "collect after --force: $(cat c2.err)"
grep -q "5 trials: 5 finished, 0 running, 0 pending, 0 failed" c2.out || fail "collect: $(cat c2.out)"
json_get camp/final_results.json 'j["counts"]["finished"], j["metric"], j["best_trial_id"], j["best_error"]' \
  | grep -qx "5 acc 5 0.9" || fail "final_results.json: $(cat camp/final_results.json)"
json_get camp/final_results.json 'j["best_config"] is not None' | grep -qx True || fail "best_config is null"
assert_eq "$(tail -n +2 camp/results.csv | wc -l)" 5 "rows of results.csv"
for id in 0 1 2 3; do
  grep -q "^$id,finished,," camp/results.csv || fail "trial $id missing from results.csv: $(cat camp/results.csv)"
done
hpo-report --format text camp > r.out 2> r.err || fail "report: $(cat r.err)"
grep -q "5 finished" r.out || fail "report: $(cat r.out)"
hpo-report camp > /dev/null 2> r.err || fail "report page: $(cat r.err)"
note ok
