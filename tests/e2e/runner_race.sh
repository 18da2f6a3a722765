#!/usr/bin/env bash
# Two runners racing for the same trial run it once: the loser exits 3 (ran nothing) and says
# why, so a launcher does not count it as a trial that finished.
source "$(dirname "$0")/lib.sh"
cat > count.sh <<'SH'
#!/bin/bash
# Records every execution (one line per run, O_APPEND) and succeeds.
echo "$HPO_TRIAL_ID $$" >> "$COUNT_FILE"
sleep 0.2
echo '{"error": 1.0}' > "$HPO_RESULT"
SH
chmod +x count.sh
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/count.sh" \
  trial.env="{COUNT_FILE: \"$SCRATCH/runs.txt\"}" hpo.output_dir=camp hpo.seed=1
n=20
hpo-sample -n $n | hpo-submit --no-start 2>/dev/null
assert_eq "$(count_files camp/pending)" $n "pending after --no-start"
for ((i = 0; i < n; i++)); do
  hpo-run camp --trial $i > "a$i.out" 2>&1 & a=$!
  hpo-run camp --trial $i > "b$i.out" 2>&1 & b=$!
  ra=0; wait $a || ra=$?
  rb=0; wait $b || rb=$?
  assert_eq "$(echo $ra $rb | tr ' ' '\n' | sort | tr '\n' ' ')" "0 3 " \
    "exit statuses of the two runners of trial $i (one ran it, one ran nothing): $(cat a$i.out b$i.out)"
  grep -qE "already (claimed|finished)" "a$i.out" "b$i.out" \
    || fail "trial $i: neither runner said it lost: $(cat a$i.out b$i.out)"
done
assert_eq "$(wc -l < runs.txt)" $n "trial executions (one per trial)"
assert_eq "$(cut -d' ' -f1 runs.txt | sort -n | uniq | wc -l)" $n "distinct trials executed"
assert_eq "$(count_files camp/results)" $n "finished trials"
# A third runner on a finished trial runs nothing and exits 3.
rc=0; hpo-run camp --trial 3 2> late.err || rc=$?
assert_eq "$rc" 3 "exit status of a runner on a finished trial"
grep -q "already finished; nothing to do" late.err || fail "late runner: $(cat late.err)"
assert_eq "$(wc -l < runs.txt)" $n "executions after the late runner"
# A trial id the campaign does not have is an error, not a silent success.
if hpo-run camp --trial 999 2> missing.err; then fail "a runner on an unknown trial exited 0"; fi
grep -q "hpo-run: error: trial 999 is not in campaign" missing.err || fail "unknown trial: $(cat missing.err)"
note "ok"
