#!/usr/bin/env bash
# A campaign never takes over a directory it did not create, and no tool removes a file it
# did not make:
#  - the issue's reproduction: output_dir "." in a folder holding tmp/notes.txt (3 days old)
#    and a results/trial_0.json of the user's: hpo-submit refuses with exit 2 and a message
#    saying what to do, writes nothing, and trial 0 is not taken for finished; hpo-collect,
#    hpo-report and hpo-run refuse the folder too; the user's files are untouched;
#  - in a real campaign, hpo-collect removes only its own temp files older than a day from
#    tmp/: a user's old file or old sub-folder there stays, and does not make collect fail;
#  - output_dir "~/x" is $HOME/x (no folder named "~"); a symlinked output_dir is refused
#    naming the real path to use.
source "$(dirname "$0")/lib.sh"
write_objective

# --- the reproduction from the issue ----------------------------------------------------------
mkdir p && cd p
mkdir -p tmp results
echo x > tmp/notes.txt
touch -d '3 days ago' tmp/notes.txt
echo '{"my":1}' > results/trial_0.json
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/objective.sh {x}" \
  hpo.output_dir=. hpo.seed=1
snapshot() { find . -printf '%p %y %s %T@\n' | sort; }
snapshot > ../before.txt
rc=0; hpo-sample -n 2 | hpo-submit --local 2> ../submit.err || rc=$?
assert_eq "$rc" 2 "hpo-submit into a folder that is not a campaign"
grep -q "^hpo-submit: error: $SCRATCH/p: not empty and not a campaign" ../submit.err || fail "message: $(cat ../submit.err)"
grep -q "hpo.output_dir" ../submit.err || fail "the message does not say what to change: $(cat ../submit.err)"
for tool in "hpo-collect ." "hpo-report ." "hpo-run . --trial 0" "hpo-collect --status ."; do
  rc=0; $tool > ../tool.out 2> ../tool.err || rc=$?
  assert_eq "$rc" 2 "$tool in a folder that is not a campaign"
  grep -q "error: $SCRATCH/p: not a campaign directory" ../tool.err || fail "$tool: $(cat ../tool.err)"
done
snapshot > ../after.txt
diff ../before.txt ../after.txt > /dev/null || fail "the folder changed: $(diff ../before.txt ../after.txt)"
assert_eq "$(cat tmp/notes.txt)" x "tmp/notes.txt"
assert_eq "$(cat results/trial_0.json)" '{"my":1}' "results/trial_0.json"
cd ..

# --- collect in a real campaign: only its own old temp files go ---------------------------------
sed 's/output_dir: \./output_dir: camp/' p/hpo.yaml > hpo.yaml
hpo-sample -n 2 | hpo-submit --local 2> s.err || fail "submit: $(cat s.err)"
mkdir camp/tmp/old
echo mine > camp/tmp/old/keep.txt
echo mine > camp/tmp/notes.txt
host=$(hostname | tr './' '__')
echo partial > "camp/tmp/results.csv.hpo-tmp.$host.1.2.abc"
touch -d '3 days ago' camp/tmp/old/keep.txt camp/tmp/old camp/tmp/notes.txt "camp/tmp/results.csv.hpo-tmp.$host.1.2.abc"
hpo-collect camp > c.out 2> c.err || fail "collect with an old folder in tmp/: $(cat c.err)"
grep -q "2 trials: 2 finished" c.out || fail "collect: $(cat c.out)"
[ -f camp/tmp/old/keep.txt ] && [ -f camp/tmp/notes.txt ] || fail "collect removed a user's file from tmp/"
[ ! -e "camp/tmp/results.csv.hpo-tmp.$host.1.2.abc" ] || fail "collect left its own old temp file"

# --- ~ in output_dir, a symlinked output_dir ---------------------------------------------------
mkdir home
sed 's|output_dir: \.|output_dir: ~/tilde|' p/hpo.yaml > t.yaml
HOME=$SCRATCH/home hpo-sample -c t.yaml -n 1 | HOME=$SCRATCH/home hpo-submit -c t.yaml --no-start 2> t.err \
  || fail "submit with ~: $(cat t.err)"
[ -f home/tilde/campaign.json ] || fail "~/tilde was not created in \$HOME"
[ ! -e '~' ] || fail "a folder named ~ was created"
mkdir real && ln -s real link
sed 's|output_dir: \.|output_dir: link|' p/hpo.yaml > l.yaml
rc=0; hpo-sample -c l.yaml -n 1 | hpo-submit -c l.yaml --no-start 2> l.err || rc=$?
assert_eq "$rc" 2 "hpo-submit into a symlinked output_dir"
grep -q "use the real path $SCRATCH/real" l.err || fail "symlink message: $(cat l.err)"
note ok
