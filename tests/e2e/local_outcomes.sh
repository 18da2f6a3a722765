#!/usr/bin/env bash
# What `hpo-submit --local` reports and how it exits: a runner that lost the claim race is
# not counted as a trial that finished; a campaign whose every trial failed exits 1 with a
# summary saying so; some failed trials exit 0 and are counted.
source "$(dirname "$0")/lib.sh"
write_objective

# --- two launchers race for one trial: one runner runs it, the other runs nothing ----------
# The launchers find hpo-run beside themselves: a copy whose runner waits 1 s before it
# claims, so that both launchers start a runner for the one pending trial.
mkdir bin
cp "$HPO_TOOLS_DIR/hpo-submit" "$HPO_TOOLS_DIR/hpo-sample" bin/
cat > bin/hpo-run <<SH
#!/bin/bash
sleep 1
exec "$HPO_TOOLS_DIR/hpo-run" "\$@"
SH
chmod +x bin/hpo-run
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/objective.sh {x}" \
  hpo.max_concurrent_jobs=2 hpo.output_dir=race hpo.seed=1
bin/hpo-sample -n 1 | bin/hpo-submit --no-start 2>/dev/null
bin/hpo-submit --local 2> l1.log & p1=$!
bin/hpo-submit --local 2> l2.log & p2=$!
wait $p1 || fail "launcher 1 failed: $(cat l1.log)"
wait $p2 || fail "launcher 2 failed: $(cat l2.log)"
assert_eq "$(count_files race/results)" 1 "finished trials"
grep -h "runner(s) started" l1.log l2.log > summaries.txt || true
assert_eq "$(grep -c 'runner(s) started' summaries.txt)" 2 "launcher summaries ($(cat l1.log l2.log))"
finished=$({ grep -o '[0-9]* finished' summaries.txt || true; } | awk '{s += $1} END {print s + 0}')
assert_eq "$finished" 1 "trials the two launchers report as finished ($(cat summaries.txt))"
grep -q "1 ran nothing (trial claimed by another runner or already done)" summaries.txt \
  || fail "no launcher says its runner ran nothing: $(cat summaries.txt)"

# --- every trial failed: exit 1, and the summary says so -----------------------------------
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash -c 'exit 3'" \
  hpo.max_concurrent_jobs=2 hpo.output_dir=allfail hpo.seed=1
rc=0; hpo-sample -n 3 | hpo-submit --local 2> allfail.log || rc=$?
assert_eq "$rc" 1 "exit status when every trial failed ($(cat allfail.log))"
grep -q "local: 3 runner(s) started: 0 finished, 3 failed" allfail.log || fail "summary: $(cat allfail.log)"
grep -q "hpo-submit: error: every trial failed (3 failed, none finished)" allfail.log \
  || fail "no error saying every trial failed: $(cat allfail.log)"
# Run again: nothing to run, the campaign still has no finished trial.
rc=0; hpo-submit --local 2> allfail2.log || rc=$?
assert_eq "$rc" 1 "exit status of a relaunch when every trial had failed"

# --- some failed: exit 0, the failures counted ---------------------------------------------
cat > half.sh <<'SH'
#!/bin/bash
[ $((HPO_TRIAL_ID % 2)) -eq 0 ] || exit 3
echo '{"error": 0.5}' > "$HPO_RESULT"
SH
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/half.sh" \
  hpo.max_concurrent_jobs=2 hpo.output_dir=half hpo.seed=1
hpo-sample -n 4 | hpo-submit --local 2> half.log || fail "some failed trials made the launcher fail: $(cat half.log)"
grep -q "local: 4 runner(s) started: 2 finished, 2 failed" half.log || fail "summary: $(cat half.log)"
grep -q "hpo-submit: warning: 2 trial(s) failed" half.log || fail "no warning about the failures: $(cat half.log)"
note "ok"
