#!/usr/bin/env bash
# The runner <-> trial contract from both sides: a Python trial using hpo_trial (found on the
# PYTHONPATH hpo-run sets) sees every HPO_* variable the README promises, with the values
# the runner's record shows; its extra result fields land in additional_info; intermediate
# values and checkpoints live in the trial folder; NaN is refused by the helper and the
# trial recorded as failed; SIGUSR2 reaches the trial, which checkpoints and exits 75.
source "$(dirname "$0")/lib.sh"
write_config hpo.yaml space.lr='{loguniform: [1.0e-3, 1.0e-1]}' space.mode='[ok]' \
  trial.command="/usr/bin/python3 $HPO_SOURCE_DIR/tests/python/contract_trial.py --lr {lr} {config_file}" \
  hpo.output_dir=camp hpo.seed=4
hpo-sample -n 2 | hpo-submit --local 2> submit.log
assert_eq "$(count_files camp/results)" 2 "finished ($(cat submit.log; cat camp/failed/* 2>/dev/null))"
seen=camp/trials/trial_1/seen.json
r=camp/results/trial_1.json
$PY - "$seen" "$r" "$SCRATCH" <<'PY' || fail "contract check failed"
import json, os, sys
seen = json.load(open(sys.argv[1])); rec = json.load(open(sys.argv[2])); scratch = sys.argv[3]
camp = os.path.join(scratch, "camp"); tdir = os.path.join(camp, "trials", "trial_1")
env = seen["env"]
checks = {
    "trial id": seen["trial_id"] == 1 and env["HPO_TRIAL_ID"] == "1",
    "config file": env["HPO_CONFIG"] == os.path.join(tdir, "config.json"),
    "result file": env["HPO_RESULT"] == os.path.join(tdir, "result.json"),
    "trial dir": seen["trial_dir"] == tdir,
    "attempt": seen["attempt"] == 1 and rec["attempt"] == 1,
    "restart count": seen["restart_count"] == 0,
    "metric": seen["metric"] == "error",
    "campaign dir": seen["campaign_dir"] == camp,
    "config equals record": seen["config"] == rec["config"],
    "placeholders are argv elements": len(seen["argv"]) == 3 and seen["argv"][0] == "--lr"
        and float(seen["argv"][1]) == rec["config"]["lr"] and seen["argv"][2] == env["HPO_CONFIG"],
    "cwd is the submit dir": seen["cwd"] == scratch,
    "metric value": rec["error"] == rec["config"]["lr"] * 2,
    "extra fields in additional_info": rec["additional_info"]["accuracy"] == 0.9
        and rec["additional_info"]["training_time"] == 1.5 and rec["additional_info"]["note"] == "λ ✓",
    "helper path": "HPO_PYTHONPATH" in env,
    "pruner kind": env["HPO_PRUNER"] == "none",
    "hpo-prune path": os.path.isabs(env["HPO_PRUNE"]) and os.access(env["HPO_PRUNE"], os.X_OK)
        and os.path.basename(env["HPO_PRUNE"]) == "hpo-prune",
}
bad = [k for k, ok in checks.items() if not ok]
if bad:
    print("failed:", bad, json.dumps(seen), json.dumps(rec), file=sys.stderr)
    sys.exit(1)
PY
assert_eq "$(wc -l < camp/trials/trial_1/progress.jsonl)" 3 "intermediate values"
[ -f camp/trials/trial_1/ck.pkl ] || fail "checkpoint not in the trial folder"

# NaN: the helper refuses it, so no result: the runner records why.
sed -i 's/mode: \[ok\]/mode: [nan]/; s/output_dir: camp/output_dir: camp_nan/' hpo.yaml
hpo-sample -n 1 | hpo-submit --local 2>/dev/null || true
json_get camp_nan/failed/trial_0.json 'j["reason"]' | grep -q "wrote no result file" || fail "NaN trial: $(cat camp_nan/failed/trial_0.json)"
grep -q "refused: hpo_trial:" camp_nan/trials/trial_0/stderr.log || fail "helper did not refuse NaN"

# SIGUSR2 to the runner reaches the trial; it checkpoints and exits 75 (no attempts left
# locally: the trial is recorded as failed and its checkpoint kept); a retry resumes it.
sed -i 's/mode: \[nan\]/mode: [wait_usr2]/; s/output_dir: camp_nan/output_dir: camp_usr2/; s/  seed: 4/  seed: 4\n  max_attempts: 2/' hpo.yaml
hpo-sample -n 1 | hpo-submit --no-start 2>/dev/null
hpo-run camp_usr2 --trial 0 2> run.err &
runner=$!
wait_until 20 test -s camp_usr2/trials/trial_0/progress.jsonl || fail "trial did not start"
kill -USR2 $runner
wait $runner || true
grep -q "SIGUSR2" run.err || fail "runner did not report SIGUSR2: $(cat run.err)"
json_get camp_usr2/failed/trial_0.json 'j["reason"]' | grep -q "exit code 75" || fail "reason: $(cat camp_usr2/failed/trial_0.json)"
[ -f camp_usr2/trials/trial_0/state.json ] || fail "no checkpoint after SIGUSR2"
hpo-submit --retry-failed --local 2>/dev/null
json_get camp_usr2/results/trial_0.json 'j["attempt"], j["additional_info"]["resumed_from"] > 0' | grep -qx "2 True" \
  || fail "retry did not resume: $(cat camp_usr2/results/trial_0.json 2>/dev/null; ls camp_usr2/*)"
note "ok"
