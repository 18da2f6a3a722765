#!/usr/bin/env bash
# Benchmark (on demand, not a test): N no-op trials, 2 at a time, on the local backend —
# a real process per trial and every transition persisted durably — and beside it, in the
# same run, Optuna 3.1 with JournalFileStorage, RandomSampler and a no-op objective in 2
# processes. Prints trials per second of each and the ratio.
#   bench/local/run.sh [BUILD_DIR] [N]
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
n="${2:-2000}"
work="$(mktemp -d /tmp/hpo-bench-local.XXXXXX)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -c "import optuna" 2>/dev/null || { echo "bench: needs python3-optuna (share/install-deps.sh bench)" >&2; exit 1; }

cat > "$work/noop.sh" <<'SH'
#!/bin/sh
echo '{"error": 0}' > "$HPO_RESULT"
SH
chmod +x "$work/noop.sh"
cat > "$work/hpo.yaml" <<YAML
space:
  lr: {loguniform: [1.0e-4, 1.0e-2]}
  batch_size: [32, 64, 128]
trial:
  command: $work/noop.sh
hpo:
  max_concurrent_jobs: 2
  output_dir: $work/camp
YAML

run_hpo() {
  rm -rf "$work/camp"
  local t0 t1
  t0=$(date +%s.%N)
  (cd "$work" && "$build/tools/hpo-sample" -n "$n" | "$build/tools/hpo-submit" --local 2>/dev/null)
  t1=$(date +%s.%N)
  local done
  done=$(find "$work/camp/results" -name 'trial_*.json' | wc -l)
  [ "$done" -eq "$n" ] || { echo "bench: only $done of $n trials finished" >&2; exit 1; }
  echo "$t0 $t1" | awk -v n="$n" '{ printf "%.1f\n", n / ($2 - $1) }'
}
run_optuna() {
  rm -rf "$work/optuna" && mkdir -p "$work/optuna"
  /usr/bin/python3 "$here/../optuna/journal_noop.py" --n "$n" --procs 2 --dir "$work/optuna" \
    | tail -n 1 | /usr/bin/python3 -c 'import json,sys; print("%.1f" % json.loads(sys.stdin.read())["trials_per_second"])'
}
# Alternate the two, twice, so that both see the same machine; report the best of each.
h1=$(run_hpo); o1=$(run_optuna); h2=$(run_hpo); o2=$(run_optuna)
h=$(printf '%s\n%s\n' "$h1" "$h2" | sort -g | tail -1)
o=$(printf '%s\n%s\n' "$o1" "$o2" | sort -g | tail -1)
printf '%-44s %12s\n' "local backend, $n no-op trials, 2 at once" "trials/s"
printf '%-44s %12s   (runs: %s, %s)\n' "hpo (hpo-submit --local)" "$h" "$h1" "$h2"
printf '%-44s %12s   (runs: %s, %s)\n' "Optuna 3.1 JournalFileStorage, 2 processes" "$o" "$o1" "$o2"
echo "$h $o" | awk '{ printf "ratio hpo/optuna: %.2fx\n", $1 / $2 }'
