"""A trial that exercises the trial side of the runner contract through hpo_trial, run by the
real hpo-run (tests/e2e/contract.sh). It writes what it saw to $HPO_TRIAL_DIR/seen.json and
reports a result with extra fields; on SIGUSR2 it checkpoints and exits 75."""
import json
import os
import sys
import time

import hpo_trial  # found through the PYTHONPATH that hpo-run sets

cfg = hpo_trial.config()
seen = {
    "trial_id": hpo_trial.trial_id(),
    "attempt": hpo_trial.attempt(),
    "restart_count": hpo_trial.restart_count(),
    "trial_dir": str(hpo_trial.trial_dir()),
    "metric": hpo_trial.metric_name(),
    "campaign_dir": str(hpo_trial.campaign_dir()),
    "config": cfg,
    "argv": sys.argv[1:],
    "cwd": os.getcwd(),
    "env": {k: v for k, v in os.environ.items() if k.startswith("HPO_")},
}
with open(os.path.join(os.environ["HPO_TRIAL_DIR"], "seen.json"), "w") as f:
    json.dump(seen, f)

mode = cfg.get("mode", "ok")
if mode == "nan":
    try:
        hpo_trial.report(float("nan"))
    except ValueError as e:
        print("refused:", e, file=sys.stderr)
    sys.exit(0)  # no result written: the runner must record the trial as failed
if mode == "wait_usr2":
    hpo_trial.install_preemption_handler()
    state = hpo_trial.load_checkpoint("state.json") or {"step": 0}
    if state["step"] > 0:  # resumed: finish
        hpo_trial.report(0.25, resumed_from=state["step"])
        sys.exit(0)
    for step in range(1, 600):
        hpo_trial.report_intermediate(step, 1.0 / step)
        if hpo_trial.should_stop():
            hpo_trial.save_checkpoint({"step": step}, "state.json")
            sys.exit(hpo_trial.EXIT_REQUEUE)
        time.sleep(0.05)
    sys.exit(1)
for step in range(3):
    hpo_trial.report_intermediate(step, 1.0 / (step + 1), lr=cfg["lr"])
hpo_trial.save_checkpoint({"w": [1, 2, 3]}, "ck.pkl")
assert hpo_trial.load_checkpoint("ck.pkl") == {"w": [1, 2, 3]}
hpo_trial.report(cfg["lr"] * 2, training_time=1.5, accuracy=0.9, note="λ ✓")
