#!/usr/bin/env bash
# Hostile or broken inputs are refused with a message that names the problem, and touch
# nothing else:
#  - result files that are truncated, not JSON, without the metric, NaN/Infinity (as Python
#    writes them), 1e999, a string metric, not an object, missing, or 100 MB: each trial goes
#    to failed/ with a reason naming the file and the problem; the runner never reads the
#    100 MB file into memory; the trial's file is left as it was; a good trial finishes;
#  - JSON Lines whose trial_id is a path, negative, too large, a float or a string:
#    hpo-submit exits 2 naming FILE:LINE and records nothing, not even the good lines;
#  - a result nested 100,000 levels deep (200 KB) or with a key given twice: a failed attempt
#    with the reason, no crash; a trial line nested that deep: hpo-submit exits 2, records
#    nothing and creates no campaign folder;
#  - hpo-run --trial -1, SLURM_ARRAY_TASK_ID that is not a plain number, --trial with
#    --array-offset: exit 2 naming the problem;
#  - hpo-collect --watch 0/-1/nan/inf, and --status or --watch with --resubmit or --quiet:
#    exit 2 naming the options;
#  - symlinks planted in state folders, as a trial folder, as tmp/ or as final_results.json:
#    refused or skipped with a warning naming the symlink; nothing is written through them
#    (their targets, outside the campaign, are unchanged);
#  - hpo.output_dir with a newline: refused, no directory created.
source "$(dirname "$0")/lib.sh"

# --- result files -----------------------------------------------------------------------
cat > bad.sh <<'SH'
#!/bin/bash
r=$HPO_RESULT
case $HPO_TRIAL_ID in
  0) echo '{"error": 0.25}' > "$r" ;;
  1) printf '{"error": 0.1' > "$r" ;;                       # truncated
  2) echo 'error = 0.5' > "$r" ;;                           # not JSON
  3) echo '{"loss": 0.5}' > "$r" ;;                         # no metric
  4) /usr/bin/python3 -c 'import json,sys; json.dump({"error": float("nan")}, open(sys.argv[1], "w"))' "$r" ;;
  5) echo '{"error": "0.5"}' > "$r" ;;                      # string metric
  6) echo '{"error": 0.5}' > "$r"; truncate -s 100M "$r" ;; # 100 MB (sparse)
  7) /usr/bin/python3 -c 'import json,sys; json.dump({"error": float("inf")}, open(sys.argv[1], "w"))' "$r" ;;
  8) echo '{"error": 1e999}' > "$r" ;;                      # overflows to infinity
  9) echo '[0.5]' > "$r" ;;                                 # not an object
  10) : ;;                                                  # no result file
  11) { printf '{"error": 1, "x": '; head -c 100000 /dev/zero | tr '\0' '['     # 100,000 deep
        head -c 100000 /dev/zero | tr '\0' ']'; printf '}'; } > "$r" ;;
  12) echo '{"error": 0.1, "error": 0.9}' > "$r" ;;         # which one?
esac
SH
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/bad.sh" \
  hpo.max_concurrent_jobs=3 hpo.output_dir=camp hpo.seed=1
hpo-sample -n 13 | hpo-submit --no-start 2> add.log || fail "submit: $(cat add.log)"
# Largest resident set of any process of the campaign (launcher, runners, trials), in KiB.
maxrss=$($PY -c 'import resource, subprocess, sys
subprocess.call(sys.argv[1:], stderr=open("submit.log", "w"))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' hpo-submit --local)
[ "$maxrss" -lt 60000 ] || fail "some process grew to $maxrss KiB: the 100 MB result was read into memory"
assert_eq "$(count_files camp/results)" 1 "finished trials"
assert_eq "$(count_files camp/failed)" 12 "failed trials"
[ -f camp/results/trial_0.json ] || fail "the good trial did not finish"
assert_eq "$(count_files camp/pending)$(count_files camp/running)" 00 "trials left pending or running"
reason() { json_get "camp/failed/trial_$1.json" 'j["reason"]'; }
expect_reason() {  # ID PATTERN (grep -E)
  local r; r=$(reason "$1")
  echo "$r" | grep -qE -- "$2" || fail "trial $1: reason '$r' does not match '$2'"
}
res() { echo "$SCRATCH/camp/trials/trial_$1/result.json"; }
expect_reason 1 "the result file $(res 1) is not valid JSON"
expect_reason 2 "the result file $(res 2) is not valid JSON"
expect_reason 3 "the result file $(res 3) has no \"error\" key"
expect_reason 4 "the result file $(res 4) is not valid JSON \(truncated, or NaN/inf written as a bare word\?\)"
expect_reason 5 "the metric \"error\" in $(res 5) is not a number: \"0.5\""
expect_reason 6 "unusable result file: $(res 6) is 104857600 bytes, more than the 16777216 allowed"
expect_reason 7 "the result file $(res 7) is not valid JSON"
expect_reason 8 "the result file $(res 8) is not valid JSON|the metric \"error\" is not finite"
expect_reason 9 "the result file $(res 9) is not a JSON object"
expect_reason 10 "the trial wrote no result file $(res 10)"
expect_reason 11 "the result file $(res 11) is nested deeper than 128 levels; flatten it"
expect_reason 12 "the result file $(res 12): the key \"error\" occurs twice in one object; keep one"
# The evidence is left as the trial wrote it.
assert_eq "$(cat "$(res 1)")" '{"error": 0.1' "trial 1's result file"
assert_eq "$(stat -c %s "$(res 6)")" 104857600 "size of trial 6's result file"
hpo-collect camp > collect.out 2> collect.err || fail "collect: $(cat collect.err)"
grep -q "13 trials: 1 finished, 0 running, 0 pending, 12 failed" collect.out || fail "collect: $(cat collect.out)"
json_get camp/final_results.json 'j["best_error"], j["best_trial_id"]' | grep -qx "0.25 0" \
  || fail "final_results.json: $(cat camp/final_results.json)"

# --- trial ids in JSON Lines --------------------------------------------------------------
good='{"trial_id": 1, "config": {"x": 0.5}}'
for bad in '"../../etc/x"' -1 1000000000000 18446744073709551615 99999999999999999999 3.0 1e3 '"7"' null; do
  printf '%s\n{"trial_id": 0, "config": {"x": 0.1}}\n{"trial_id": %s, "config": {"x": 0.2}}\n' "$good" "$bad" > lines.jsonl
  sed 's/output_dir: camp/output_dir: campj/' hpo.yaml > j.yaml
  if hpo-submit -c j.yaml -t lines.jsonl --no-start 2> j.err; then fail "trial_id $bad accepted"; fi
  rc=0; hpo-submit -c j.yaml -t lines.jsonl --no-start 2>/dev/null || rc=$?
  assert_eq "$rc" 2 "exit status for trial_id $bad"
  grep -q "^hpo-submit: error: lines.jsonl:3: trial_id: must be an integer from 0 to 999999999999" j.err \
    || fail "trial_id $bad: $(cat j.err)"
  [ ! -e campj ] || [ "$(count_files campj/pending)" -eq 0 ] || fail "trial_id $bad: lines were recorded"
  # The same through standard input names <stdin>.
  hpo-submit -c j.yaml --no-start < lines.jsonl 2> j.err && fail "trial_id $bad accepted on stdin"
  grep -q "<stdin>:3: trial_id" j.err || fail "stdin, trial_id $bad: $(cat j.err)"
done
[ ! -e campj ] || [ "$(find campj -name 'trial_*.json' | wc -l)" -eq 0 ] || fail "bad JSON Lines recorded trials"

# --- a trial line nested 100,000 deep -----------------------------------------------------------
{ printf '{"trial_id": 0, "config": {"x": '; head -c 100000 /dev/zero | tr '\0' '['
  head -c 100000 /dev/zero | tr '\0' ']'; printf '}}\n'; } > deep.jsonl
sed 's/output_dir: camp/output_dir: campd/' hpo.yaml > d.yaml
rc=0; hpo-submit -c d.yaml --no-start < deep.jsonl 2> d.err || rc=$?
assert_eq "$rc" 2 "hpo-submit with a trial line nested 100,000 deep"
grep -q "^hpo-submit: error: <stdin>:1: nested deeper than 128 levels; flatten it" d.err || fail "deep line: $(cat d.err)"
[ ! -e campd ] || fail "a campaign folder was created for a refused trial line"

# --- hpo-run --trial -1 ---------------------------------------------------------------------
for arg in "--trial -1" "--trial=-1"; do
  rc=0; hpo-run camp $arg 2> run.err || rc=$?
  assert_eq "$rc" 2 "hpo-run $arg exit status"
  grep -q "hpo-run: error: trial id -1 is out of range" run.err || fail "hpo-run $arg: $(cat run.err)"
done

# --- SLURM_ARRAY_TASK_ID and option combinations of hpo-run ------------------------------------
for task in abc 5x " 5" "5 " -1 +5 0x10 99999999999999999999 1e3; do
  rc=0; SLURM_ARRAY_TASK_ID="$task" hpo-run camp --array-offset 0 2> run.err || rc=$?
  assert_eq "$rc" 2 "hpo-run with SLURM_ARRAY_TASK_ID='$task'"
  grep -q "^hpo-run: error: SLURM_ARRAY_TASK_ID='$task' is not a whole number from 0 to 999999999999" run.err \
    || fail "SLURM_ARRAY_TASK_ID='$task': $(cat run.err)"
done
rc=0; SLURM_ARRAY_TASK_ID=1 hpo-run camp --array-offset -5 2> run.err || rc=$?
assert_eq "$rc" 2 "hpo-run --array-offset -5"
grep -q "^hpo-run: error: --array-offset -5: give a whole number from 0 to 999999999999" run.err || fail "offset -5: $(cat run.err)"
rc=0; SLURM_ARRAY_TASK_ID=1 hpo-run camp --trial 1 --array-offset 0 2> run.err || rc=$?
assert_eq "$rc" 2 "hpo-run --trial with --array-offset"
grep -q "^hpo-run: error: --trial and --array-offset exclude each other" run.err || fail "--trial + --array-offset: $(cat run.err)"

# --- hpo-collect's options ------------------------------------------------------------------
cp camp/final_results.json final.before
for w in 0 -1 nan inf 1e9; do
  rc=0; hpo-collect --watch "$w" camp > w.out 2> w.err || rc=$?
  assert_eq "$rc" 2 "hpo-collect --watch $w"
  grep -q "^hpo-collect: error: --watch $w: give a number of seconds greater than 0 and at most 86400" w.err \
    || fail "--watch $w: $(cat w.err)"
done
for opts in "--status --resubmit" "--watch 5 --resubmit" "--status --quiet" "--watch 5 -q"; do
  rc=0; hpo-collect $opts camp > w.out 2> w.err || rc=$?
  assert_eq "$rc" 2 "hpo-collect $opts"
  grep -qE "^hpo-collect: error: --(status|watch) (and|with) --(resubmit|quiet)" w.err || fail "$opts: $(cat w.err)"
  [ ! -s w.out ] || fail "hpo-collect $opts printed: $(cat w.out)"
done
cmp -s camp/final_results.json final.before || fail "a refused hpo-collect rewrote final_results.json"

# --- planted symlinks ---------------------------------------------------------------------
mkdir -p outside/dir
cp /etc/passwd outside/passwd  # a copy: a bug writing through the link must not hurt the host
echo precious > outside/result.json
echo precious > outside/final.json
sums() { (cd outside && find . -type f | sort | xargs sha256sum; find . | sort); }
sums > outside.before
sed 's/output_dir: camp/output_dir: camps/; s/bad.sh/good.sh/' hpo.yaml > s.yaml
printf '#!/bin/bash\necho "{\\"error\\": $HPO_TRIAL_ID}" > "$HPO_RESULT"\n' > good.sh
hpo-sample -c s.yaml -n 10 | hpo-submit -c s.yaml --no-start 2>/dev/null
rm camps/pending/trial_3.json
ln -s "$SCRATCH/outside/passwd" camps/pending/trial_3.json
ln -s "$SCRATCH/outside/result.json" camps/results/trial_9.json
ln -s "$SCRATCH/outside/dir" camps/trials/trial_4
ln -s "$SCRATCH/outside/final.json" camps/final_results.json
hpo-submit -c s.yaml --local 2> s.log || true
grep -q "hpo-run: error: refusing to read $SCRATCH/camps/running/trial_3.json: it is a symlink" s.log \
  || fail "runner of the symlinked record: $(cat s.log)"
grep -q "hpo-run: error: refusing to use $SCRATCH/camps/trials/trial_4: it is a symlink" s.log \
  || fail "runner with a symlinked trial folder: $(cat s.log)"
grep -q "hpo-run: warning: trial 9: $SCRATCH/camps/results/trial_9.json is a symlink, not a result: left alone" s.log \
  || fail "runner publishing onto a symlink: $(cat s.log)"
hpo-collect camps > sc.out 2> sc.err || fail "collect beside symlinks: $(cat sc.err)"
grep -q "warning: unreadable running record left alone: refusing to read $SCRATCH/camps/running/trial_3.json: it is a symlink" sc.err \
  || fail "collect on running/trial_3.json: $(cat sc.err)"
grep -q "warning: skipping unreadable result: refusing to read $SCRATCH/camps/results/trial_9.json: it is a symlink" sc.err \
  || fail "collect on results/trial_9.json: $(cat sc.err)"
[ -L camps/results/trial_9.json ] || fail "the planted results/trial_9.json was replaced"
ls camps/trials/trial_9/duplicate_result.*.json > /dev/null 2>&1 || fail "trial 9's own result was not kept beside"
[ ! -L camps/final_results.json ] && [ -f camps/final_results.json ] || fail "final_results.json is still the planted symlink"
json_get camps/final_results.json 'j["counts"]["finished"]' | grep -qx 7 || fail "final: $(cat camps/final_results.json)"
# tmp/ as a symlink: every tool refuses the campaign.
mkdir campt && cp -r camps/campaign.yaml camps/campaign.json campt/ && ln -s "$SCRATCH/outside/dir" campt/tmp
rc=0; hpo-collect campt 2> t.err || rc=$?
assert_eq "$rc" 1 "hpo-collect with tmp/ a symlink"
grep -q "hpo-collect: error: refusing to use $SCRATCH/campt/tmp: it is a symlink" t.err || fail "tmp symlink: $(cat t.err)"
sums > outside.after
diff outside.before outside.after > /dev/null || fail "something was written outside the campaign: $(diff outside.before outside.after)"

# --- hpo.output_dir with a newline ---------------------------------------------------------
printf 'space:\n  x: {uniform: [0, 1]}\ntrial:\n  command: true\nhpo:\n  output_dir: "campn\\nx"\n' > n.yaml
rc=0; hpo-sample -c s.yaml -n 1 | hpo-submit -c n.yaml --no-start 2> n.err || rc=$?
assert_eq "$rc" 2 "hpo-submit with a newline in hpo.output_dir"
grep -q "hpo-submit: error: n.yaml:6:.*hpo.output_dir: contains a line break" n.err || fail "newline: $(cat n.err)"
[ -z "$(find . -maxdepth 1 -name 'campn*')" ] || fail "a campaign directory was created: $(ls -d campn*)"
note "ok (largest process: $maxrss KiB)"
