#!/usr/bin/env bash
# Early-stopping quality benchmark (on demand, not a test; issue 14): our ASHA through the real
# tools against plain random search and Optuna 3.1's SuccessiveHalvingPruner, replaying the
# learning-curve tables committed beside this script (curves_<dataset>.jsonl.gz, built once by
# make_curves.py). Writes the tables (markdown) to stdout and to bench/asha/RESULTS.md, every
# run's metrics to bench/asha/results.json.gz (quality.py --merge renders such files again).
#
#   bench/asha/run_quality.sh PREFIX_OR_BUILD [SEEDS] [quality.py options...]
#
# PREFIX_OR_BUILD: an install prefix (bin/hpo-*) or a build folder (tools/hpo-*). SEEDS: seeds
# per method, dataset and worker count (default 100). Options, e.g.:
#   --seeds-for wine:8=30,breast_cancer:8=30   fewer tool seeds for some (dataset, workers)
#   --sim-seeds 100       seeds of the simulated methods where the tools ran fewer
#   --datasets digits --workers 1               a part only
#   --sleep-ms 20         per epoch with several workers (the order of events follows epochs)
# The full run (100 seeds everywhere) takes about 95 minutes on a 2-core machine; the one in
# RESULTS.md used --seeds-for wine:8=30,breast_cancer:8=30 (about 70 minutes).
# Needs /usr/bin/python3 with numpy, scipy and Optuna 3.1 (Debian: python3-optuna), and cc.
# Runs under nice -n 10. Campaigns go to /dev/shm (tmpfs) when it exists, one at a time, each
# deleted after it is read. HPO_TOOLS_COMMIT names the tools' source commit in the header
# (default: the git checkout PREFIX_OR_BUILD is in, if any).
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 ]]; then
  sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
prefix="$(cd "$1" && pwd)"
seeds="${2:-100}"
shift
[[ $# -gt 0 ]] && shift
work="$(mktemp -d /tmp/hpo-quality-run.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cc -O2 -Wall -o "$work/table_trial" "$here/table_trial.c"
tools_commit="${HPO_TOOLS_COMMIT:-$(git -C "$prefix" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
nice -n 10 /usr/bin/python3 "$here/quality.py" --prefix "$prefix" --trial-bin "$work/table_trial" \
  --tables "$here" --seeds "$seeds" --tools-commit "$tools_commit" \
  --json "$work/results.json.gz" --markdown "$work/RESULTS.md" "$@" >/dev/null
cp "$work/RESULTS.md" "$here/RESULTS.md"
cp "$work/results.json.gz" "$here/results.json.gz"
cat "$here/RESULTS.md"
