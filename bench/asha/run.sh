#!/usr/bin/env bash
# Micro-benchmark (on demand, not a test): one ASHA rung decision at 1,000, 10,000 and
# 100,000 recorded values.
#  1. the library: listing + parsing + the cut (lib/rung_files + lib/pruner), beside a bare
#     readdir of the same folder (the limit);
#  2. what a trial pays: the whole `hpo-prune STEP VALUE` command (process start, the frozen
#     config, the learning-curve line, the record, the listing, the decision file), beside
#     `hpo-prune` on a campaign without a pruner (start + config + curve line only) and
#     /bin/true (a bare process start). Medians of ROUNDS, alternating.
#   bench/asha/run.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
rounds="${2:-9}"
work="$(mktemp -d /tmp/hpo-bench-rung.XXXXXX)"
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++17 -I"$here/../../lib" -I"$build/lib" -o "$work/rung_decision" \
  "$here/rung_decision.cpp" "$build/lib/libhpo.a" -lboost_filesystem -lboost_program_options -lyaml-cpp
echo "== library: one decision (ms) =="
"$work/rung_decision" "$work/rungs" "$rounds"

prune="$build/tools/hpo-prune"
cd "$work"
printf 'space:\n  x: {uniform: [0, 1]}\ntrial:\n  command: /bin/true\nhpo:\n  output_dir: %s\n' plain > plain.yaml
"$build/tools/hpo-submit" -c plain.yaml --no-start < /dev/null > /dev/null 2>&1
ms() {  # median wall time in ms of running "$@" once per round
  local t=() i s e
  for ((i = 0; i < rounds; i++)); do
    s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] / 1000 }'
}
echo "== the command: one hpo-prune call (ms) =="
printf '%8s %12s %16s %12s %10s %10s\n' values hpo-prune "no pruner" /bin/true "vs none" "vs true"
for n in 1000 10000 100000; do
  camp=asha_$n
  printf 'space:\n  x: {uniform: [0, 1]}\ntrial:\n  command: /bin/true\nhpo:\n  output_dir: %s\npruner: {kind: asha, max_resource: 27}\n' $camp > $camp.yaml
  "$build/tools/hpo-submit" -c $camp.yaml --no-start < /dev/null > /dev/null 2>&1
  "$work/rung_decision" --fill "$camp/rungs/bracket_0.rung_0" $n
  for ((i = 1; i <= rounds; i++)); do mkdir -p "$camp/trials/trial_$i"; done
  mkdir -p plain/trials/trial_1
  next=0
  decide() { next=$((next + 1)); "$prune" --campaign "$camp" --trial $next 1 0.5; }  # a new trial each time
  none() { "$prune" --campaign plain --trial 1 1 0.5; }
  d=$(ms decide) p=$(ms none) b=$(ms /bin/true)
  printf '%8d %12s %16s %12s %9.1fx %9.1fx\n' $n "$d" "$p" "$b" "$(echo "$d / $p" | bc -l)" "$(echo "$d / $b" | bc -l)"
done
