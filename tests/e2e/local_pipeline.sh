#!/usr/bin/env bash
# The pipeline on the local backend with a shell objective: every trial lands in results/
# in the seed's format, at most max_concurrent_jobs at once, resubmission runs nothing
# twice, --start extends the campaign, and the summaries match the folders.
source "$(dirname "$0")/lib.sh"
write_objective
write_config hpo.yaml space.x='{uniform: [-1.0, 1.0]}' space.k='[1, 2, 3]' \
  trial.command="bash $SCRATCH/objective.sh {x}" trial.env='{SLEEP: "0.2"}' hpo.n_trials=24 \
  hpo.max_concurrent_jobs=3 hpo.output_dir=camp hpo.seed=5
hpo-sample | hpo-submit --local 2> submit.log
assert_eq "$(count_files camp/results)" 24 "finished trials"
assert_eq "$(count_files camp/pending)$(count_files camp/running)$(count_files camp/failed)" 000 "other states"
[ "$(max_overlap camp)" -le 3 ] || fail "more than 3 trials ran at once: $(max_overlap camp)"
[ "$(max_overlap camp)" -ge 2 ] || fail "the local backend never ran trials in parallel"

# The seed's record format.
json_get camp/results/trial_7.json 'j["trial_id"] == 7 and isinstance(j["error"], float) and "x" in j["config"] and j["additional_info"]["training_time"] == 0.01 and j["additional_info"]["exit_code"] == 0' | grep -qx True \
  || fail "trial_7.json lacks the seed's fields: $(cat camp/results/trial_7.json)"
expected=$(json_get camp/results/trial_7.json 'repr(j["config"]["x"] ** 2)')
json_get camp/results/trial_7.json 'repr(j["error"])' | grep -qx "$expected" || fail "trial 7's error is not x^2"

hpo-collect camp > collect.out
grep -q "24 finished, 0 running, 0 pending, 0 failed" collect.out || fail "collect summary: $(cat collect.out)"
json_get camp/final_results.json 'j["n_trials"], j["counts"]["finished"], j["best_error"] == min(json.load(open("camp/results/trial_%d.json" % i))["error"] for i in range(24))' \
  | grep -qx "24 24 True" || fail "final_results.json: $(cat camp/final_results.json)"
json_get camp/best_config.json 'sorted(j)' | grep -qx "\['k', 'x'\]" || fail "best_config.json: $(cat camp/best_config.json)"
assert_eq "$(wc -l < camp/results.csv)" 25 "results.csv lines (header + 24)"
head -1 camp/results.csv | grep -q "^trial_id,state,error,.*,x,k$" || fail "results.csv header: $(head -1 camp/results.csv)"

# Submitting the same trials again records and runs nothing.
before=$(cat camp/results/*.json | md5sum)
hpo-sample | hpo-submit --local 2> again.log
grep -q "0 trial(s) added, 24 already known" again.log || fail "resubmission: $(cat again.log)"
assert_eq "$(cat camp/results/*.json | md5sum)" "$before" "results after resubmission"

# Extending with --start gives exactly the trials a 30-trial run would have had.
hpo-sample --start 24 -n 6 | hpo-submit --local 2>/dev/null
assert_eq "$(count_files camp/results)" 30 "finished after extension"
hpo-sample -n 30 | tail -n 6 > full.jsonl
for i in 24 25 26 27 28 29; do
  want=$(grep "\"trial_id\":$i," full.jsonl | $PY -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())["config"], sort_keys=True))')
  got=$(json_get camp/results/trial_$i.json 'json.dumps(j["config"], sort_keys=True)')
  assert_eq "$got" "$want" "config of extended trial $i"
done

# Another space for the same campaign is refused, and nothing recorded is touched.
sed -i 's/seed: 5/seed: 6/' hpo.yaml
if hpo-sample | hpo-submit --local 2> refused.log; then fail "a different seed was accepted"; fi
grep -q "hpo-submit: error: .*another space, seed or method" refused.log || fail "refusal message: $(cat refused.log)"
assert_eq "$(count_files camp/results)" 30 "results after refusal"
note "ok"
