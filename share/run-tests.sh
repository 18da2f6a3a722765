#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a throwaway single-node SLURM
# cluster (share/slurm/, root only), runs every CTest test (unit, e2e, slurm), stops the
# cluster. Under CI=true a cluster that fails to start is a failure, never a skip.
#   share/run-tests.sh [ctest args...]      e.g. share/run-tests.sh -L unit
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
ci="${CI:-false}"

if [ "$(id -u)" -eq 0 ]; then
  bash share/install-deps.sh test
else
  bash share/install-deps.sh build
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" 2>&1 | grep -E "error|warning" || true
cmake --build build -j"$(nproc)" >/dev/null

state=""
cleanup() {
  if [ -n "$state" ]; then
    # By absolute path: the tests run from build/. A cluster that will not stop is said
    # loudly and its folder kept (it holds the pids): left running, it would hold its ports.
    if bash "$here/share/slurm/stop-test-cluster.sh" "$state" >"$state.stop.log" 2>&1; then
      rm -rf "$state" "$state.stop.log" "$state.log"
    else
      echo "run-tests.sh: warning: the SLURM test cluster in $state did not stop:" >&2
      cat "$state.stop.log" >&2
    fi
  fi
}
trap cleanup EXIT

export HPO_TEST_SLURM_CONF=""
if [ "$(id -u)" -eq 0 ] && command -v slurmctld >/dev/null && command -v munged >/dev/null; then
  state="$(mktemp -d /tmp/hpo-test-slurm.XXXXXX)"
  chmod 755 "$state"  # munged needs every folder above its socket searchable
  started=false
  # A port base nobody uses: a system SLURM (6817) or another test cluster may be up.
  for base in 16817 17817 18817 19817 20817 21817; do
    if bash share/slurm/start-test-cluster.sh "$state" --port-base "$base" --max-array-size 25 \
         --min-job-age 300 >"$state.log" 2>&1; then
      started=true
      break
    fi
    grep -q "already in use" "$state.log" || break
  done
  if $started; then
    export HPO_TEST_SLURM_CONF="$state/slurm.conf"
    echo "run-tests.sh: SLURM test cluster up ($state)"
  else
    cat "$state.log" >&2
    if [ "$ci" = true ]; then
      echo "run-tests.sh: error: the SLURM test cluster did not start (CI=true: failing)" >&2
      exit 1
    fi
    echo "run-tests.sh: warning: no SLURM test cluster; SLURM tests will be skipped" >&2
  fi
  rm -f "$state.log"
else
  if [ "$ci" = true ]; then
    echo "run-tests.sh: error: CI needs root and SLURM to run the SLURM tests" >&2
    exit 1
  fi
  echo "run-tests.sh: warning: not root or no SLURM packages: SLURM tests will be skipped" >&2
fi

cd build
ctest --output-on-failure --timeout 900 "$@"
