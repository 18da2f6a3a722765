#!/bin/bash
# A plain bash trial with early stopping: a toy "training" whose validation error after
# epoch e is  floor + (start - floor) * decay^e  (floor, start and decay from the sampled
# lr and width, plus a little seeded noise), reported every epoch to the campaign's pruner
# with "$HPO_PRUNE" EPOCH VALUE. Exit status 1 from it means "stop": the script exits 0 at
# once and hpo-run records the trial as pruned, with its learning curve.
# Usage (by hpo-run): train.sh LR WIDTH EPOCHS
set -eu
export LC_ALL=C
lr=$1 width=$2 epochs=$3
: "${HPO_RESULT:?train.sh: HPO_RESULT is not set: run this script through hpo-run}"
prune=${HPO_PRUNE:-hpo-prune}

value_at() {  # epoch -> validation error
    awk -v lr="$lr" -v w="$width" -v e="$1" -v id="${HPO_TRIAL_ID:-0}" 'BEGIN {
        best = 0.02 + 0.5 * (log(lr) / log(10) + 2.5) ^ 2 / 4 + 8 / w   # best lr about 3e-3
        speed = 0.15 + 0.6 * lr / (lr + 0.01)                           # larger lr learns faster
        srand(id * 1000 + e); noise = (rand() - 0.5) * 0.01
        printf "%.6f\n", best + (0.9 - best) * exp(-speed * e) + noise
    }'
}

for epoch in $(seq 1 "$epochs"); do
    err=$(value_at "$epoch")
    # 0: go on; 1: the pruner says stop (exit 0: hpo-run records the trial as pruned);
    # 2: a usage mistake, which must fail the trial rather than look like a stop.
    "$prune" "$epoch" "$err" || { rc=$?; [ "$rc" -eq 1 ] && exit 0; exit "$rc"; }
done

tmp="$HPO_RESULT.tmp.$$"
printf '{"error": %s, "epochs_run": %d}\n' "$err" "$epochs" > "$tmp"
mv -f "$tmp" "$HPO_RESULT"
