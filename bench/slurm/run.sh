#!/usr/bin/env bash
# Benchmark (on demand, root): 500 no-op trials through `hpo-submit --array` against the
# same 500 no-op tasks as a bare `sbatch --array` script, on the same throwaway cluster, in
# the same run (alternating, twice). Prints wall times from submission to the last task's
# end and hpo's overhead over bare SLURM.
#   bench/slurm/run.sh [BUILD_DIR] [N] [THROTTLE]
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
n="${2:-500}"
k="${3:-16}"
work="$(mktemp -d /tmp/hpo-bench-slurm.XXXXXX)"
chmod 755 "$work"  # munged needs every folder above its socket searchable
state="$work/cluster"
cleanup() { bash "$repo/share/slurm/stop-test-cluster.sh" "$state" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
for base in 26817 27817 28817; do
  bash "$repo/share/slurm/start-test-cluster.sh" "$state" --port-base "$base" --cpus "$k" >/dev/null 2>&1 && break
done
# shellcheck disable=SC1091
source "$state/env.sh"
sinfo -h >/dev/null

cat > "$work/noop.sh" <<'SH'
#!/bin/sh
echo '{"error": 0}' > "$HPO_RESULT"
SH
chmod +x "$work/noop.sh"
cat > "$work/hpo.yaml" <<YAML
space:
  lr: {loguniform: [1.0e-4, 1.0e-2]}
trial:
  command: $work/noop.sh
slurm:
  partition: main
  time: "00:05:00"
hpo:
  max_concurrent_jobs: $k
  output_dir: $work/camp
YAML
cat > "$work/bare.sbatch" <<SH
#!/bin/sh
#SBATCH --partition=main
#SBATCH --time=00:05:00
#SBATCH --output=/dev/null
echo '{"error": 0}' > "$work/bare/result_\$SLURM_ARRAY_TASK_ID.json"
SH

wait_jobs() {
  while [ -n "$(squeue -h -j "$1" -t PENDING,RUNNING,CONFIGURING,COMPLETING 2>/dev/null)" ]; do sleep 0.25; done
}
run_hpo() {
  rm -rf "$work/camp"
  local t0 t1 jobs
  t0=$(date +%s.%N)
  jobs=$(cd "$work" && "$build/tools/hpo-sample" -n "$n" | "$build/tools/hpo-submit" --array --no-collect 2>/dev/null | paste -sd,)
  wait_jobs "$jobs"
  t1=$(date +%s.%N)
  [ "$(find "$work/camp/results" -name 'trial_*.json' | wc -l)" -eq "$n" ] || { echo "bench: hpo trials missing" >&2; exit 1; }
  echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }'
}
run_bare() {
  rm -rf "$work/bare" && mkdir -p "$work/bare"
  local t0 t1 job
  t0=$(date +%s.%N)
  job=$(sbatch --parsable --array="0-$((n - 1))%$k" "$work/bare.sbatch")
  wait_jobs "$job"
  t1=$(date +%s.%N)
  [ "$(find "$work/bare" -name 'result_*.json' | wc -l)" -eq "$n" ] || { echo "bench: bare tasks missing" >&2; exit 1; }
  echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }'
}
b1=$(run_bare); h1=$(run_hpo); b2=$(run_bare); h2=$(run_hpo)
b=$(printf '%s\n%s\n' "$b1" "$b2" | sort -g | head -1)
h=$(printf '%s\n%s\n' "$h1" "$h2" | sort -g | head -1)
printf '%-46s %10s\n' "$n no-op tasks, %$k, one node" "seconds"
printf '%-46s %10s   (runs: %s, %s)\n' "bare sbatch --array" "$b" "$b1" "$b2"
printf '%-46s %10s   (runs: %s, %s)\n' "hpo-sample | hpo-submit --array" "$h" "$h1" "$h2"
echo "$h $b" | awk '{ printf "hpo overhead over bare SLURM: %+.1f%%\n", ($1 / $2 - 1) * 100 }'
