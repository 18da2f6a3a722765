#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the seed's MLP example as a
# campaign on the local backend (scikit-learn's MLPClassifier on the digits data set),
# then hpo-collect and hpo-report. Run from anywhere; the campaign lands in
# <repo>/hpo_results/mlp_example.
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash share/install-deps.sh demo
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
export PATH="$here/build/tools:$PATH"
config=examples/mlp/hpo.yaml
hpo-sample -c "$config" | hpo-submit -c "$config" --local
hpo-collect hpo_results/mlp_example
if [ -x build/tools/hpo-report ]; then
  hpo-report hpo_results/mlp_example
  echo "report: $here/hpo_results/mlp_example/report.html"
fi
