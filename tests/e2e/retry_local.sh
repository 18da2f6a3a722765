#!/usr/bin/env bash
# hpo.max_attempts: a trial that fails on its first attempt is retried with the same id and
# config, attempt 2, and its first reason is kept in its history; a trial that always fails
# stops at max_attempts.
source "$(dirname "$0")/lib.sh"
cat > flaky.sh <<'SH'
#!/bin/bash
echo "attempt $HPO_ATTEMPT" >> "$HPO_TRIAL_DIR/attempts.txt"
if [ "$HPO_TRIAL_ID" = 0 ]; then echo "always broken" >&2; exit 3; fi
if [ "$HPO_ATTEMPT" = 1 ]; then echo "flaky on first attempt" >&2; exit 1; fi
echo "{\"error\": $HPO_ATTEMPT}" > "$HPO_RESULT"
SH
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/flaky.sh" \
  hpo.max_attempts=3 hpo.max_concurrent_jobs=2 hpo.output_dir=camp hpo.seed=1
hpo-sample -n 4 | hpo-submit --local 2> submit.log
assert_eq "$(count_files camp/results)" 3 "finished after retries ($(cat submit.log))"
assert_eq "$(count_files camp/failed)" 1 "failed for good"
json_get camp/results/trial_1.json 'j["attempt"], j["error"], j["history"][0]["attempt"], "exit code 1" in j["history"][0]["reason"]' \
  | grep -qx "2 2.0 1 True" || fail "trial 1 record: $(cat camp/results/trial_1.json)"
json_get camp/failed/trial_0.json 'j["attempt"], len(j["history"]), all("exit code 3" in h["reason"] for h in j["history"])' \
  | grep -qx "3 3 True" || fail "trial 0 record: $(cat camp/failed/trial_0.json)"
assert_eq "$(wc -l < camp/trials/trial_0/attempts.txt)" 3 "attempts of trial 0 (work folder kept)"
# --retry-failed with no attempts left moves nothing, and says which trials are out of
# attempts and how to give them more.
hpo-submit --retry-failed --no-start 2> retry.log
grep -q "0 failed trial(s) with attempts left" retry.log || fail "retry: $(cat retry.log)"
grep -qF "1 failed trial(s) are out of attempts (hpo.max_attempts = 3); raise hpo.max_attempts in hpo.yaml and run again" retry.log \
  || fail "no hint about max_attempts: $(cat retry.log)"
assert_eq "$(count_files camp/failed)" 1 "failed after a retry without attempts left"
# Given one more attempt, the trial moves back, and the pending count is told after the move.
sed -i 's/max_attempts: 3/max_attempts: 4/' hpo.yaml
hpo-submit --retry-failed --no-start 2> retry2.log
grep -q "1 failed trial(s) with attempts left moved back to pending" retry2.log || fail "retry: $(cat retry2.log)"
tail -1 retry2.log | grep -q "; 1 pending" || fail "the pending count is not the last word: $(cat retry2.log)"
note "ok"
