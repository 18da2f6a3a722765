#!/usr/bin/env bash
# kill -9 of a runner mid-trial loses no finished trial and leaves the interrupted one
# visible as running, until hpo-collect settles it as lost; kill -9 of the local launcher
# loses nothing either: a second launcher finishes the campaign, running no trial twice.
source "$(dirname "$0")/lib.sh"
cat > slow.sh <<'SH'
#!/bin/bash
echo "$HPO_TRIAL_ID" >> "$COUNT_FILE"
sleep "$1"
echo '{"error": 0.5}' > "$HPO_RESULT.tmp" && mv "$HPO_RESULT.tmp" "$HPO_RESULT"
SH
chmod +x slow.sh
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/slow.sh 2" \
  trial.env="{COUNT_FILE: \"$SCRATCH/runs.txt\"}" hpo.max_concurrent_jobs=2 hpo.output_dir=camp \
  hpo.seed=1
hpo-sample -n 6 | hpo-submit --local 2> submit.log &
launcher=$!
wait_until 20 at_least camp/results 2 || fail "no trial finished"
wait_until 10 at_least camp/running 1 || fail "nothing running"
victim_file=$(ls camp/running/trial_*.json | head -1)
victim=$(basename "$victim_file" .json); victim=${victim#trial_}
wait_until 10 grep -q '"pid"' "$victim_file" || fail "runner never recorded itself"
rpid=$(json_get "$victim_file" 'j["runner"]["pid"]')
kill -9 "$rpid"
note "killed runner $rpid of trial $victim"
wait $launcher || true
assert_eq "$(count_files camp/results)" 5 "finished trials after the kill"
[ -f "camp/running/trial_$victim.json" ] || fail "the interrupted trial is not visible as running"
for f in camp/results/*.json; do
  json_get "$f" 'j["error"]' | grep -qx 0.5 || fail "finished result damaged: $f"
done
hpo-collect camp > collect.out 2> collect.err
grep -q "trial $victim: lost: runner pid $rpid on .* is gone" collect.err || fail "collect did not settle the lost trial: $(cat collect.err)"
[ -f "camp/failed/trial_$victim.json" ] || fail "lost trial not in failed/"
grep -q "5 finished, 0 running, 0 pending, 1 failed" collect.out || fail "summary: $(cat collect.out)"
# A second collect changes nothing.
hpo-collect camp > collect2.out 2>&1
grep -q "5 finished, 0 running, 0 pending, 1 failed" collect2.out || fail "second collect: $(cat collect2.out)"

# kill -9 of the launcher: its runners finish their trials; a new launcher does the rest.
rm -f runs.txt
sed -i 's/output_dir: camp/output_dir: camp2/' hpo.yaml
hpo-sample -n 6 | hpo-submit --local 2>/dev/null &
launcher=$!
wait_until 10 at_least camp2/running 2 || fail "second campaign never ran 2 trials"
kill -9 $launcher
wait $launcher 2>/dev/null || true
hpo-submit --local 2> relaunch.log
wait_until 15 exactly camp2/results 6 || fail "campaign not finished after relaunch: $(ls camp2/*)"
assert_eq "$(wc -l < runs.txt)" 6 "executions (none twice)"
[ "$(max_overlap camp2)" -le 2 ] || fail "the relaunch ignored the orphaned runners: $(max_overlap camp2) at once"
note "ok"
