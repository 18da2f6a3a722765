#!/usr/bin/env bash
# Benchmark (on demand, not a test): hpo-collect's JSON scanner, hand-written against
# simdjson, side by side in one run. Builds one campaign of N (default 100,000) finished
# trials of the seed's MLP space (bench/scale/gen_results.py), then, REPS times (default 5),
# for each build in turn (the order rotates every round, so that neither always runs first):
#   cold  hpo-collect with no .index/ and no outputs: all N results/ files are parsed;
#   +1000 hpo-collect over that index after 1,000 new results (their files are parsed).
# And the floor: read_only.cpp, the same listing and reads with no parsing and no writing.
# Every build must write the same results.csv. Prints the median and the spread (min-max) of
# each, and the ratio of the medians to the first build. Files come from the page cache.
#   bench/json_scan/run.sh [N] [REPS] [NAME=BUILD_DIR ...]
# (default builds: hand=build simd=build-simd, the second configured with -DHPO_SIMDJSON=ON)
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-100000}"
reps="${2:-5}"
shift $(($# < 2 ? $# : 2))
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=("hand=$root/build" "simd=$root/build-simd")
names=() dirs=()
for s in "${specs[@]}"; do
  names+=("${s%%=*}")
  d="$(cd "${s#*=}" && pwd)"
  [ -x "$d/tools/hpo-collect" ] || { echo "bench: $d/tools/hpo-collect is not built" >&2; exit 1; }
  dirs+=("$d")
done
py=/usr/bin/python3
work="$(mktemp -d /tmp/hpo-bench-json-scan.XXXXXX)"
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++17 -pthread -o "$work/read_only" "$here/read_only.cpp"

# The campaign, as bench/scale/run.sh makes it, with 1,000 more results kept aside.
sed '/^hpo:/,$d' "$here/../sample/seed_space.yaml" > "$work/hpo.yaml"
cat >> "$work/hpo.yaml" <<YAML
trial:
  command: /bin/true
hpo:
  n_trials: $((n + 1000))
  max_concurrent_jobs: 64
  output_dir: $work/camp
  seed: 42
YAML
(cd "$work" && "${dirs[0]}/tools/hpo-submit" -c hpo.yaml --no-start --trials /dev/null 2>/dev/null)
camp="$work/camp"
$py "$here/../scale/gen_results.py" --dir "$camp" --n $((n + 1000))
mkdir "$work/extra"
for ((i = n; i < n + 1000; ++i)); do echo "trial_$i.json"; done > "$work/extra.list"
(cd "$camp/results" && xargs -a "$work/extra.list" mv -t "$work/extra")
extra_in() { (cd "$work/extra" && xargs -a "$work/extra.list" mv -t "$camp/results"); }
extra_out() { (cd "$camp/results" && xargs -a "$work/extra.list" mv -t "$work/extra"); }

# seconds COMMAND...: wall time of one run (output discarded; a failure stops the bench).
seconds() {
  local a b
  a=$(date +%s.%N)
  "$@" > "$work/last.out" 2> "$work/last.err" || { cat "$work/last.err" >&2; exit 1; }
  b=$(date +%s.%N)
  echo "$a $b" | awk '{ printf "%.3f", $2 - $1 }'
}
declare -A cold incr
floor=""
want=""
for ((r = 0; r < reps; ++r)); do
  for ((k = 0; k < ${#names[@]} + 1; ++k)); do
    v=$(((k + r) % (${#names[@]} + 1)))
    if [ "$v" -eq ${#names[@]} ]; then
      floor+=" $(seconds "$work/read_only" "$camp")"
      continue
    fi
    collect=("${dirs[$v]}/tools/hpo-collect" --no-slurm --quiet "$camp")
    rm -rf "$camp/.index" "$camp/results.csv" "$camp/final_results.json" "$camp/best_config.json"
    cold[$v]+=" $(seconds "${collect[@]}")"
    extra_in
    incr[$v]+=" $(seconds "${collect[@]}")"
    extra_out
    sum=$(md5sum < "$camp/results.csv")
    [ -z "$want" ] && want="$sum"
    [ "$sum" = "$want" ] || { echo "bench: ${names[$v]} wrote another results.csv" >&2; exit 1; }
  done
done

# stats "t1 t2 ...": median min max
stats() { printf '%s\n' $1 | sort -g | awk '{ a[NR] = $1 } END {
  m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f", m, a[1], a[NR] }'; }
printf '\n%s finished trials, %s rounds (results/ files, page cache warm); seconds\n' "$n" "$reps"
printf '%-26s %-24s %-24s %s\n' "build" "cold: median (min-max)" "+1,000: median (min-max)" "ratio to ${names[0]} (cold, +1,000)"
read -r c0 _ _ <<< "$(stats "${cold[0]}")"
read -r i0 _ _ <<< "$(stats "${incr[0]}")"
for ((v = 0; v < ${#names[@]}; ++v)); do
  read -r cm cl ch <<< "$(stats "${cold[$v]}")"
  read -r im il ih <<< "$(stats "${incr[$v]}")"
  printf '%-26s %-24s %-24s %s\n' "${names[$v]}" "$cm ($cl-$ch)" "$im ($il-$ih)" \
    "$(echo "$cm $c0 $im $i0" | awk '{ printf "%.2fx, %.2fx", $1 / $2, $3 / $4 }')"
done
read -r fm fl fh <<< "$(stats "$floor")"
printf '%-26s %-24s %-24s %s\n' "read only (no parsing)" "$fm ($fl-$fh)" "-" \
  "$(echo "$fm $c0" | awk '{ printf "%.2fx", $1 / $2 }')"
