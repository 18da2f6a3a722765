#!/usr/bin/env bash
# Micro-benchmark (on demand, not a test): one ASHA rung decision at 1,000, 10,000 and
# 100,000 recorded values, beside a bare readdir of the same folder (the limit).
#   bench/asha/run.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
work="$(mktemp -d /tmp/hpo-bench-rung.XXXXXX)"
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++17 -I"$here/../../lib" -I"$build/lib" -o "$work/rung_decision" \
  "$here/rung_decision.cpp" "$build/lib/libhpo.a" -lboost_filesystem -lboost_program_options -lyaml-cpp
"$work/rung_decision" "$work/rungs" "${2:-9}"
