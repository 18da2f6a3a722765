#!/usr/bin/env bash
# Importance benchmarks (on demand, not tests):
#  1. the time of MainEffects at 1,000 / 10,000 / 100,000 trials of 10 parameters, beside one
#     sort of the metric (what ranking it costs at least);
#  2. compare.py: our ranking beside Optuna 3.1's get_param_importances on the same trials.
#   bench/importance/run.sh [BUILD_DIR] [SEEDS]
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
work="$(mktemp -d /tmp/hpo-bench-imp.XXXXXX)"
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++17 -I"$here/../../lib" -o "$work/time_main_effects" "$here/time_main_effects.cpp" "$build/lib/libhpo.a"
"$work/time_main_effects" 7
/usr/bin/python3 "$here/compare.py" "$build/tools" --trials 300 --seeds "${2:-5}"
