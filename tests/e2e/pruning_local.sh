#!/usr/bin/env bash
# Early stopping on the local backend: an ASHA campaign of trials reporting every epoch
# through hpo-prune ends with every trial finished or pruned (consistent records, rungs,
# decisions, results.csv, final_results.json; seed_analysis.sh runs the seed's snippet on the
# pruned MLP example). Then a trial
# interrupted mid-rung (after rung 0, before rung 1) goes back to pending and resumes: its
# second execution reports rung 0 again with a much worse value, and is not judged again
# (the decision file is unchanged, the rung holds its first value only).
source "$(dirname "$0")/lib.sh"
write_curve_objective
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/curve.sh {x}" \
  pruner.kind=asha pruner.max_resource=9 hpo.max_concurrent_jobs=2 hpo.output_dir=camp hpo.seed=3
hpo-sample -n 30 | hpo-submit --local > submit.out 2> submit.log || fail "submit: $(cat submit.log)"
grep -q "local: 30 runner(s) started: [0-9]* finished, [0-9]* pruned, 0 failed" submit.log || fail "summary: $(cat submit.log)"
hpo-collect camp > collect.out 2> collect.err || fail "collect: $(cat collect.err)"
grep -q "30 trials: [0-9]* finished, 0 running, 0 pending, 0 failed, [0-9]* pruned" collect.out || fail "collect: $(cat collect.out)"
check_pruned_campaign camp 30 >&2
# One trial per rung at most, rung sizes falling by about eta: 30 at rung 0 (epoch 1).
assert_eq "$(ls camp/rungs/bracket_0.rung_0 | wc -l)" 30 "values at rung 0"
[ "$(ls camp/rungs/bracket_0.rung_1 | wc -l)" -lt 20 ] || fail "rung 1 holds $(ls camp/rungs/bracket_0.rung_1 | wc -l) of 30"

# Interrupted mid-rung, resumed: never judged twice.
write_config hpo2.yaml space.x='{uniform: [0, 0.5]}' trial.command="bash $SCRATCH/curve.sh {x}" \
  trial.env='{PAUSE_TRIAL: "0", PENALTY: "5"}' pruner.kind=asha pruner.max_resource=9 \
  hpo.max_concurrent_jobs=3 hpo.output_dir=camp2 hpo.seed=5
hpo-sample -n 6 -c hpo2.yaml | hpo-submit -c hpo2.yaml --no-start > /dev/null 2>&1 || fail "record camp2"
hpo-run camp2 --trial 0 > run0.out 2> run0.err &
runner=$!
wait_until 30 test -e camp2/trials/trial_0/paused || fail "trial 0 did not pause: $(cat run0.err)"
decision=camp2/trials/trial_0/prune/bracket_0.rung_0.json
first=$(cat "$decision")
json_get "$decision" 'j["verdict"]' | grep -qx continue || fail "trial 0 at rung 0: $first"
for i in 1 2 3 4 5; do hpo-run camp2 --trial $i 2> run$i.err || true; done  # the others fill rung 0
kill -TERM $runner
rc=0; wait $runner || rc=$?
assert_eq "$rc" 130 "the interrupted runner's exit status ($(cat run0.err))"
[ -f camp2/pending/trial_0.json ] || fail "trial 0 not back in pending: $(ls camp2/*/)"
hpo-run camp2 --trial 0 2> rerun0.err || true
assert_eq "$(grep -c '^start' camp2/trials/trial_0/runs.log)" 2 "executions of trial 0"
assert_eq "$(cat "$decision")" "$first" "trial 0's rung-0 decision after the resume"
assert_eq "$(ls camp2/rungs/bracket_0.rung_0 | grep -c '\.0$')" 1 "trial 0's values at rung 0"
# It was not stopped at rung 0 (re-judged, its value 5+ would have stopped it), but at rung 1.
rec=camp2/pruned/trial_0.json
[ -f "$rec" ] || fail "trial 0 not pruned: $(ls camp2/*/; cat rerun0.err)"
json_get "$rec" 'j["pruned"]["rung"], j["pruned"]["step"]' | grep -qx "1 3" || fail "trial 0 pruned where? $(cat "$rec")"
json_get "$rec" 'j["history"][0]["state"]' | grep -qx interrupted || fail "no interruption in the history: $(cat "$rec")"
hpo-collect camp2 > /dev/null 2>&1 || fail "collect camp2"
check_pruned_campaign camp2 6 >&2

# hpo-prune's exit status: 0 go on, 1 stop, 2 a mistake (never 1), each with a message.
mkdir -p camp2/trials/trial_100 camp2/trials/trial_101 camp2/trials/trial_102
rc() { local r=0; "$@" > /dev/null 2> last.err || r=$?; echo $r; }
assert_eq "$(rc hpo-prune --campaign camp2 --trial 100 1 0.0001)" 0 "a best value"
assert_eq "$(rc hpo-prune --campaign camp2 --trial 101 1 5)" 1 "a worst value"
grep -q "^hpo-prune: trial 101 stops at step 1 (rung 0, resource 1): 5 is not among the best" last.err || fail "stop message: $(cat last.err)"
assert_eq "$(rc hpo-prune --campaign camp2 --trial 101 1 0.0)" 1 "the same rung again"
assert_eq "$(rc hpo-prune --campaign camp2 --trial 102 1 nan)" 1 "nan"
assert_eq "$(rc hpo-prune --campaign camp2 --trial 103 1 abc)" 2 "a value that is not a number"
grep -q "^hpo-prune: error: VALUE 'abc' is not a number" last.err || fail "$(cat last.err)"
assert_eq "$(rc hpo-prune --campaign camp2 --trial 103 x 1)" 2 "a step that is not a number"
assert_eq "$(rc hpo-prune --campaign "$SCRATCH" --trial 1 1 0.5)" 2 "not a campaign"
assert_eq "$(rc env -u HPO_CAMPAIGN_DIR hpo-prune 1 0.5)" 2 "no campaign given"
grep -q "no campaign: give --campaign DIR, or run it from a trial started by hpo-run" last.err || fail "$(cat last.err)"
mkdir -p camp2/trials/trial_104
assert_eq "$(rc hpo-prune --campaign camp2 --trial 104 2.5 0.3)" 0 "no rung at step 2.5 of trial 104"
grep -q '"step":2.5' camp2/trials/trial_104/progress.jsonl || fail "curve point: $(cat camp2/trials/trial_104/progress.jsonl)"
note "ok"
