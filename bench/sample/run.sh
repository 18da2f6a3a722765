#!/usr/bin/env bash
# Sampling throughput: hpo-sample against Optuna's RandomSampler (in-memory storage, ask/tell)
# on the seed's MLP space. Best of REPS runs each; prints trials per second and the ratio.
#
#   bench/sample/run.sh [BUILD_DIR]        (default ./build)
#   HPO_N=1000000 OPTUNA_N=20000 REPS=3 SEED=42 bench/sample/run.sh build
#
# hpo-sample's output goes to /dev/null; Optuna's time excludes its import. Optuna's
# in-memory ask() gets slower as trials accumulate, so hpo is also timed at OPTUNA_N trials
# (where process start-up weighs more) for a comparison at equal N.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-./build}
hpo_n=${HPO_N:-1000000}
optuna_n=${OPTUNA_N:-20000}
reps=${REPS:-3}
seed=${SEED:-42}
python=${PYTHON:-/usr/bin/python3}

sample=$build/tools/hpo-sample
[[ -x $sample ]] || { echo "run.sh: error: $sample not found; build first (cmake --build $build)" >&2; exit 2; }
space=$here/seed_space.yaml

optuna_script=$here/../optuna/sample_random.py
[[ -f $optuna_script ]] || { echo "run.sh: error: $optuna_script not found" >&2; exit 2; }

now() { date +%s.%N; }

# Best wall-clock seconds of `reps` runs of hpo-sample -n N.
time_hpo() {
  local n=$1 best="" start end t
  for ((i = 0; i < reps; i++)); do
    start=$(now)
    "$sample" -c "$space" -n "$n" --seed "$seed" > /dev/null
    end=$(now)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }')
    if [[ -z $best ]] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  echo "$best"
}

# Best trials/s of `reps` Optuna runs (the script reports its own rate, import excluded).
rate_optuna() {
  local best="" r
  for ((i = 0; i < reps; i++)); do
    r=$("$python" "$optuna_script" --n "$optuna_n" --seed "$seed" |
        "$python" -c 'import json, sys; print(json.loads(sys.stdin.readlines()[-1])["trials_per_second"])')
    if [[ -z $best ]] || awk -v r="$r" -v b="$best" 'BEGIN { exit !(r > b) }'; then best=$r; fi
  done
  echo "$best"
}

# Check that the output is what is being timed: N lines of the expected shape.
lines=$("$sample" -c "$space" -n 1000 --seed "$seed" | wc -l)
[[ $lines -eq 1000 ]] || { echo "run.sh: error: hpo-sample printed $lines lines, not 1000" >&2; exit 1; }

echo "sampling benchmark: seed MLP space, seed $seed, best of $reps, $(nproc) cores, $(uname -m)"
echo "hpo-sample: $sample"
echo "optuna:     $optuna_script ($("$python" -c 'import optuna; print(optuna.__version__)'))"

t_big=$(time_hpo "$hpo_n")
t_small=$(time_hpo "$optuna_n")
optuna_rate=$(rate_optuna)

awk -v n1="$hpo_n" -v t1="$t_big" -v n2="$optuna_n" -v t2="$t_small" -v o="$optuna_rate" 'BEGIN {
  r1 = n1 / t1; r2 = n2 / t2
  printf "\n%-34s %10s %10s %14s %12s\n", "sampler", "trials", "seconds", "trials/s", "hpo/optuna"
  printf "%-34s %10d %10.3f %14.0f %12.0f\n", "hpo-sample (random)", n1, t1, r1, r1 / o
  printf "%-34s %10d %10.3f %14.0f %12.0f\n", "hpo-sample (random, equal N)", n2, t2, r2, r2 / o
  printf "%-34s %10d %10.3f %14.0f %12s\n", "optuna RandomSampler (in-memory)", n2, n2 / o, o, "1"
}'
