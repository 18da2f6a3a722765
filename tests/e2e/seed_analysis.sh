#!/usr/bin/env bash
# The seed's MLP example (scikit-learn on digits, with ASHA early stopping) through the local
# backend, then the seed README's analysis snippet (pandas + matplotlib, Agg) unchanged on our
# output: it reads results/ (trials that ran to the end); pruned trials are in pruned/.
source "$(dirname "$0")/lib.sh"
need_python sklearn pandas matplotlib
# A shortened copy: its {config_dir} would be here, so it names the example's folder.
sed -e "s|output_dir: .*|output_dir: $SCRATCH/camp|" -e "s|max_epochs: 27 |max_epochs: 9 |" \
  -e "s|max_resource: 27|max_resource: 9|" \
  -e "s|{config_dir}|$HPO_SOURCE_DIR/examples/mlp|" "$HPO_SOURCE_DIR/examples/mlp/hpo.yaml" > hpo.yaml
grep -q "max_epochs: 9 " hpo.yaml && grep -q "max_resource: 9" hpo.yaml || fail "could not shorten the example"
hpo-sample -n 8 | hpo-submit --local 2> submit.log
assert_eq "$(( $(count_files camp/results) + $(count_files camp/pruned) ))" 8 \
  "finished and pruned MLP trials ($(cat submit.log; cat camp/failed/* 2>/dev/null))"
[ "$(count_files camp/results)" -ge 1 ] || fail "no MLP trial ran to the end"
[ "$(count_files camp/pruned)" -ge 1 ] || fail "no MLP trial was pruned: $(cat submit.log)"
pruned=$(ls camp/pruned/*.json | head -1)
json_get "$pruned" 'len(j["learning_curve"]) == j["pruned"]["step"] and j["additional_info"]["training_time"] > 0' \
  | grep -qx True || fail "pruned MLP record: $(cat "$pruned")"
hpo-collect camp >/dev/null
$PY "$HPO_SOURCE_DIR/examples/analysis/seed_analysis.py" camp plots/errors.png > analysis.out 2>&1 \
  || fail "the seed's analysis snippet failed: $(cat analysis.out)"
grep -q "Best configuration:" analysis.out || fail "snippet output: $(cat analysis.out)"
grep -q "Best error:" analysis.out || fail "snippet output: $(cat analysis.out)"
[ -s plots/errors.png ] || fail "no plot written"
json_get "$(ls camp/results/*.json | head -1)" '0 < j["error"] < 1 and j["additional_info"]["accuracy"] > 0' | grep -qx True \
  || fail "MLP result implausible: $(cat camp/results/trial_0.json)"
note "ok"
