#!/usr/bin/env bash
# A runner killed between its claim (the rename to running/) and its registration leaves a
# record in running/ that still says pending and names no runner. hpo-collect --status says
# what it is; after the grace hpo-collect and hpo-submit --local return it to pending (it
# never started), and a fresh claim, whose runner may be registering, is left alone.
# The grace (60 s) is shortened with HPO_CLAIM_GRACE; the age is the file's real ctime.
source "$(dirname "$0")/lib.sh"
write_objective
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/objective.sh {x}" \
  hpo.max_concurrent_jobs=2 hpo.output_dir=camp hpo.seed=1
# strand ID: what a runner killed right after its claim leaves behind.
strand() { mv "camp/pending/trial_$1.json" camp/running/; }

hpo-sample -n 4 | hpo-submit --no-start 2>/dev/null
strand 2
# Fresh: left alone, even by a collect, whose default grace is 60 s.
hpo-collect camp > c1.out 2> c1.err
grep -q "0 finished, 1 running, 3 pending, 0 failed" c1.out || fail "a fresh claim was moved: $(cat c1.out c1.err)"
hpo-collect --status camp > status.out
grep -q "trial 2 .*claimed, runner never registered" status.out || fail "status: $(cat status.out)"

export HPO_CLAIM_GRACE=1
sleep 1.2
hpo-collect --status camp > status2.out
grep -q "trial 2 .*claimed, runner never registered .*stranded" status2.out || fail "status after the grace: $(cat status2.out)"
# The local launcher returns it and runs it with the others.
hpo-submit --local 2> submit.log || fail "launcher failed: $(cat submit.log)"
assert_eq "$(count_files camp/results)" 4 "finished trials (the stranded one included)"
assert_eq "$(count_files camp/running)" 0 "trials left in running/"
grep -q "trial 2: claimed [0-9]* s ago, but its runner never registered (killed before it could); returned to pending" submit.log \
  || fail "launcher did not say what it returned: $(cat submit.log)"
grep -q "1 claim(s) whose runner never registered returned to pending" submit.log || fail "summary: $(cat submit.log)"

# hpo-collect returns one too.
sed -i 's/output_dir: camp/output_dir: camp2/' hpo.yaml
hpo-sample -n 2 | hpo-submit --no-start 2>/dev/null
mv camp2/pending/trial_1.json camp2/running/
sleep 1.2
hpo-collect camp2 > c2.out 2> c2.err
grep -q "0 finished, 0 running, 2 pending, 0 failed" c2.out || fail "collect did not return the stranded claim: $(cat c2.out c2.err)"
grep -q "trial 1: claimed [0-9]* s ago, but its runner never registered" c2.err || fail "collect: $(cat c2.err)"
json_get camp2/pending/trial_1.json 'j["state"] == "pending" and j.get("attempt", 1) == 1' | grep -qx True \
  || fail "the returned record changed: $(cat camp2/pending/trial_1.json)"
note "ok"
