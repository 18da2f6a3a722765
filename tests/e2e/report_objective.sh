#!/bin/bash
# Objective for tests/e2e/report_chromium.sh: a made-up "validation error" over the seed's
# MLP space that looks like a real one (a valley in log lr and log weight decay, the wider
# network a little better, big batches a little worse), with a run time growing with
# max_epochs and a failure when a large learning rate meets a small batch.
# With PRUNE_EPOCHS=N it reports a learning curve to the campaign's pruner first, epochs 1..N
# ("$HPO_PRUNE" EPOCH VALUE, the value falling to the final error), and stops when told.
# Usage (by hpo-run): report_objective.sh LR WEIGHT_DECAY BATCH_SIZE MAX_EPOCHS HIDDEN_SIZES
set -eu
export LC_ALL=C
: "${HPO_RESULT:?report_objective.sh: run it through hpo-run (HPO_RESULT is not set)}"
lr=$1 wd=$2 batch=$3 epochs=$4 hidden=$5
# Run time: SLEEP_SCALE seconds per 50 epochs (default 0.2).
sleep "$(awk -v e="$epochs" -v s="${SLEEP_SCALE:-0.2}" -v id="${HPO_TRIAL_ID:-0}" \
  'BEGIN { printf "%.3f", s * e / 50 * (0.7 + 0.6 * ((id * 7919) % 101) / 100) }')"
if awk -v lr="$lr" -v b="$batch" 'BEGIN { exit !(lr > 0.006 && b == 32) }'; then
  echo "epoch 3: loss is nan (lr $lr too large for batch $batch)" >&2
  exit 1
fi
wide=0
case $hidden in *128*|*2048*) wide=1 ;; esac
json=$(awk -v lr="$lr" -v wd="$wd" -v b="$batch" -v e="$epochs" -v w="$wide" -v id="${HPO_TRIAL_ID:-0}" 'BEGIN {
  l = log(lr) / log(10); d = log(wd) / log(10)
  noise = (((id * 2654435761) % 1000) / 1000 - 0.5) * 0.01
  v = 0.06 + 0.03 * (l + 2.6) ^ 2 + 0.008 * (d + 4.2) ^ 2 - 0.008 * w + 0.004 * log(b / 32) / log(2) - 0.00005 * e + noise
  printf "{\"error\": %.6f, \"train_loss\": %.6f}\n", v, v * 0.8
}')
if [ -n "${PRUNE_EPOCHS:-}" ]; then
  final=${json#*\"error\": }
  final=${final%%,*}
  for e in $(seq 1 "$PRUNE_EPOCHS"); do
    value=$(awk -v f="$final" -v e="$e" -v n="$PRUNE_EPOCHS" 'BEGIN { printf "%.6f", f + 0.5 * (exp(-e / 2) - exp(-n / 2)) }')
    rc=0
    "$HPO_PRUNE" "$e" "$value" || rc=$?
    [ "$rc" -ne 1 ] || exit 0  # told to stop
    [ "$rc" -eq 0 ] || { echo "report_objective.sh: hpo-prune exit $rc" >&2; exit 1; }
  done
fi
printf '%s\n' "$json" > "$HPO_RESULT.tmp.$$"
mv "$HPO_RESULT.tmp.$$" "$HPO_RESULT"
