#!/usr/bin/env bash
# hpo-submit says which backend it picked when nobody chose (no sbatch on PATH: local, with
# one clear line), and refuses a trial command whose program cannot be found before it
# records or starts anything: a missing or non-executable path is an error for --local and
# --array alike; a bare name not on PATH is an error for --local and a warning for --array
# (env_setup may put it on the compute nodes' PATH).
source "$(dirname "$0")/lib.sh"
printf '#!/bin/bash\nprintf "{\\"error\\": 1}" > "$HPO_RESULT"\n' > obj.sh
chmod +x obj.sh
printf '#!/bin/bash\nexit 0\n' > noexec.sh
config() {  # config PROGRAM OUTPUT_DIR
  write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="$1 {x}" \
    hpo.max_concurrent_jobs=2 hpo.output_dir="$2"
}
nosbatch="$HPO_TOOLS_DIR"  # a PATH with the tools and nothing else: no sbatch
[ ! -x "$nosbatch/sbatch" ] || fail "sbatch beside the tools?"

# 1. No backend flag and no sbatch: local, said once on stderr before starting.
config ./obj.sh camp
hpo-sample -n 2 > trials.jsonl
PATH="$nosbatch" hpo-submit --trials trials.jsonl 2> default.log || fail "default backend: $(cat default.log)"
grep -qxF "hpo-submit: warning: no sbatch on PATH: running trials here with the local backend; pass --local to silence this or --array to require SLURM" default.log \
  || fail "no word about the local fallback: $(cat default.log)"
assert_eq "$(count_files camp/results)" 2 "trials run by the fallback"
PATH="$nosbatch" hpo-submit --local --trials trials.jsonl 2> local.log || fail "--local: $(cat local.log)"
if grep -q "no sbatch" local.log; then fail "--local still warns: $(cat local.log)"; fi

# 2. Programs that cannot be found. Nothing is recorded when refused.
refuses() {  # refuses BACKEND PROGRAM MESSAGE
  config "$2" "refused"
  if hpo-submit "$1" --dry-run --trials trials.jsonl > out.log 2> err.log; then
    fail "$1 accepted $2: $(cat err.log)"
  fi
  grep -qF "$3" err.log || fail "$1 $2: expected '$3', got: $(cat err.log)"
  [ ! -d refused/pending ] || [ "$(count_files refused/pending)" = 0 ] || fail "$1 $2 recorded trials"
}
for backend in --local --array; do
  refuses "$backend" ./missing.sh "hpo-submit: error: hpo.yaml: trial.command: the program ./missing.sh does not exist (relative paths start in $SCRATCH, where the trials run)"
  refuses "$backend" ./noexec.sh "hpo-submit: error: hpo.yaml: trial.command: the program ./noexec.sh is not executable"
  refuses "$backend" "$SCRATCH" "hpo-submit: error: hpo.yaml: trial.command: the program $SCRATCH is not executable"
done
set +e
config no-such-program-hpo camp_local
hpo-submit --local --trials trials.jsonl 2> err.log; rc=$?
set -e
assert_eq "$rc" 2 "exit code for a program not on PATH (--local)"
grep -qF "hpo-submit: error: hpo.yaml: trial.command: no-such-program-hpo is not on PATH" err.log || fail "bare name, --local: $(cat err.log)"
# --array: the compute node's PATH (after slurm.env_setup) may have it: a warning only.
config no-such-program-hpo camp_array
hpo-submit --array --dry-run --trials trials.jsonl > dry.txt 2> warn.log || fail "bare name, --array: $(cat warn.log)"
grep -qF "hpo-submit: warning: hpo.yaml: trial.command: no-such-program-hpo is not on PATH here" warn.log || fail "no warning: $(cat warn.log)"
# Found on PATH, or an absolute path: no word.
config bash camp_ok
hpo-submit --array --dry-run --trials trials.jsonl > dry.txt 2> ok.log || fail "bash: $(cat ok.log)"
if grep -q "trial.command" ok.log; then fail "a program on PATH was questioned: $(cat ok.log)"; fi
note "ok"
