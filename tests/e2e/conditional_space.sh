#!/usr/bin/env bash
# A conditional space (choice with branches) through sample, submit, collect and report on
# the local backend: each trial's config holds exactly the parameters of its branches,
# results.csv leaves the others' cells empty, the report's plots of a conditional parameter
# say how many trials have it, and hpo-submit refuses a trial line with a parameter outside
# its branch.
source "$(dirname "$0")/lib.sh"
cat > obj.py <<'PY'
import json, math, os, sys
c = json.load(open(os.environ["HPO_CONFIG"]))
e = (math.log10(c["lr"]) + 2) ** 2 + {"adam": 0.1, "sgd": 0.2, "rmsprop": 0.3}[c["optimizer"]]
e += c.get("momentum", 0) * 0.1 + (c.get("beta1", 0.9) - 0.9) ** 2
with open(os.environ["HPO_RESULT"] + ".tmp", "w") as f:
    json.dump({"error": e}, f)
os.replace(os.environ["HPO_RESULT"] + ".tmp", os.environ["HPO_RESULT"])
PY
cat > hpo.yaml <<EOF2
space:
  optimizer:
    choice:
      adam: {beta1: {uniform: [0.8, 0.99]}, beta2: {loguniform: [0.9, 0.9999]}}
      sgd:  {momentum: {uniform: [0.0, 0.95]}, nesterov: [true, false]}
      rmsprop: {}
  lr: {loguniform: [1.0e-4, 1.0e-1]}
trial:
  command: $PY $SCRATCH/obj.py --config {config_file}
hpo:
  max_concurrent_jobs: 2
  output_dir: camp
  seed: 8
EOF2
hpo-sample -n 30 | hpo-submit --local > submit.out 2> submit.log || fail "submit: $(cat submit.log)"
hpo-collect camp > collect.out 2> collect.err || fail "collect: $(cat collect.err)"
grep -q "30 trials: 30 finished, 0 running, 0 pending, 0 failed" collect.out || fail "collect: $(cat collect.out)"
$PY - <<'PY' || fail "conditional records or results.csv"
import csv, glob, json
want = {"adam": {"beta1", "beta2"}, "sgd": {"momentum", "nesterov"}, "rmsprop": set()}
seen = set()
for f in glob.glob("camp/results/*.json"):
    c = json.load(open(f))["config"]
    seen.add(c["optimizer"])
    assert set(c) == {"optimizer", "lr"} | want[c["optimizer"]], c
assert seen == set(want), seen
rows = list(csv.DictReader(open("camp/results.csv")))
assert len(rows) == 30
for r in rows:
    for name in ("beta1", "beta2", "momentum", "nesterov"):
        assert (r[name] != "") == (name in want[r["optimizer"]]), r
PY
hpo-report camp > /dev/null 2> report.err || fail "report: $(cat report.err)"
for branch in adam sgd; do
  grep -q "trials: optimizer = $branch" camp/report.html || fail "no count note for the $branch parameters"
done
grep -q "momentum (when optimizer = sgd)" camp/report.html || fail "the space table does not say when momentum exists"
if command -v xmllint > /dev/null; then
  # Every SVG of the page is well-formed XML (no NaN coordinates from absent parameters).
  $PY -c "import re,sys; [print(s) for s in re.findall(r'<svg.*?</svg>', open('camp/report.html').read(), re.S)]" > svgs.txt
  grep -qi "nan" svgs.txt && fail "a NaN in the page's plots"
fi
grep -q "Which hyperparameters matter" camp/report.html || fail "no importance section"
hpo-report --format text camp > text.out || fail "text report"
# lr carries most of the objective's variation: it is ranked first.
grep -q "^  importance (main effect on the metric's ranks, omega-squared share): lr " text.out \
  || fail "importance: $(grep importance text.out)"
grep "optimizer=rmsprop" text.out | grep -q "momentum" && fail "the text report lists an absent parameter: $(cat text.out)"
# A trial line with a parameter outside its branch is refused, and nothing is recorded.
echo '{"trial_id": 99, "config": {"optimizer": "rmsprop", "momentum": 0.5, "lr": 0.01}}' > bad.jsonl
if hpo-submit --no-start --trials bad.jsonl 2> bad.err; then fail "a config outside its branch was accepted"; fi
grep -q "trial 99: config: does not match the space of the config (outside their branch: momentum (only when optimizer = sgd))" bad.err \
  || fail "message: $(cat bad.err)"
[ ! -e camp/pending/trial_99.json ] || fail "the bad trial was recorded"
note "ok"
