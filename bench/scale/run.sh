#!/usr/bin/env bash
# Benchmark (on demand, not a test): reading a large campaign. Builds a campaign of N
# (default 100,000) finished trials of the seed's MLP space as files (gen_results.py), then
# times hpo-collect cold (no .index/ and no outputs; best of 3), again with nothing new
# (best of 3), after 1,000 new results (best of 2 rounds), and hpo-report; and beside
# them, in the same run, Optuna 3.1 loading the same number of trials from a
# JournalFileStorage plus trials_dataframe() (bench/optuna/journal_load.py; building its
# journal takes about a minute). Prints a table with times, peak memory, ratios and the
# size of the page. Files are read from the page cache in both cases (nothing drops it).
# Needs /usr/bin/time (Debian's `time`, in share/install-deps.sh bench).
#   bench/scale/run.sh [BUILD_DIR] [N]
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
n="${2:-100000}"
py=/usr/bin/python3
work="$(mktemp -d /tmp/hpo-bench-scale.XXXXXX)"
trap 'rm -rf "$work"' EXIT
$py -c "import optuna" 2>/dev/null || { echo "bench: needs python3-optuna (share/install-deps.sh bench)" >&2; exit 1; }
for t in hpo-submit hpo-collect hpo-report; do
  [ -x "$build/tools/$t" ] || { echo "bench: $build/tools/$t is not built" >&2; exit 1; }
done

# The campaign: made by hpo-submit (campaign.yaml, campaign.json, folders), results written
# straight into results/ as hpo-run would.
sed '/^hpo:/,$d' "$here/../sample/seed_space.yaml" > "$work/hpo.yaml"
cat >> "$work/hpo.yaml" <<YAML
trial:
  command: /bin/true
hpo:
  n_trials: $n
  max_concurrent_jobs: 64
  output_dir: $work/camp
  seed: 42
YAML
(cd "$work" && "$build/tools/hpo-submit" -c hpo.yaml --no-start --trials /dev/null 2>/dev/null)
camp="$work/camp"
t0=$(date +%s.%N)
$py "$here/gen_results.py" --dir "$camp" --n "$n"
t1=$(date +%s.%N)
gen_s=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')

# seconds COMMAND...: wall time of one run (output discarded; a failure stops the bench);
# the run's peak memory (KB) goes to $work/last.rss.
seconds() {
  local a b
  a=$(date +%s.%N)
  /usr/bin/time -f %M -o "$work/last.rss" "$@" > "$work/last.out" 2> "$work/last.err" ||
    { cat "$work/last.err" >&2; exit 1; }
  b=$(date +%s.%N)
  echo "$a $b" | awk '{ printf "%.3f", $2 - $1 }'
}
best() { printf '%s\n' "$@" | sort -g | head -1; }
collect=("$build/tools/hpo-collect" --no-slurm --quiet "$camp")
# A cold collect: no index and no outputs yet (as the first collect of a finished campaign).
cold_collect() {
  rm -rf "$camp/.index" "$camp/results.csv" "$camp/final_results.json" "$camp/best_config.json"
  seconds "${collect[@]}"
}

c1=$(cold_collect); c2=$(cold_collect); c3=$(cold_collect)
cold=$(best "$c1" "$c2" "$c3")
cold_rss=$(tail -1 "$work/last.rss")
w1=$(seconds "${collect[@]}"); w2=$(seconds "${collect[@]}"); w3=$(seconds "${collect[@]}")
warm=$(best "$w1" "$w2" "$w3")
# After 1,000 new results (twice, each time 1,000 more).
$py "$here/gen_results.py" --dir "$camp" --n 1000 --start "$n"
i1=$(seconds "${collect[@]}")
$py "$here/gen_results.py" --dir "$camp" --n 1000 --start $((n + 1000))
i2=$(seconds "${collect[@]}")
incr=$(best "$i1" "$i2")
rows=$(($(wc -l < "$camp/results.csv") - 1))
[ "$rows" -eq $((n + 2000)) ] || { echo "bench: results.csv has $rows rows, want $((n + 2000))" >&2; exit 1; }
r1=$(seconds "$build/tools/hpo-report" -q "$camp"); r2=$(seconds "$build/tools/hpo-report" -q "$camp")
report=$(best "$r1" "$r2")
report_rss=$(tail -1 "$work/last.rss")
page_bytes=$(stat -c %s "$camp/report.html")
text=$(seconds "$build/tools/hpo-report" --format text "$camp")

# Optuna: build the journal once, load it twice (fresh processes), keep the faster load.
mkdir -p "$work/optuna"
o1=$($py "$here/../optuna/journal_load.py" --n "$n" --dir "$work/optuna")
o2=$($py "$here/../optuna/journal_load.py" --n "$n" --dir "$work/optuna" --skip-build)
read -r obuild oload odf orss < <($py - "$o1" "$o2" <<'PYEOF'
import json, sys
a, b = (json.loads(s) for s in sys.argv[1:3])
best = min((a, b), key=lambda r: r["load_seconds"] + r["dataframe_seconds"])
print(a["build_seconds"], best["load_seconds"], best["dataframe_seconds"], best["max_rss_kb"])
PYEOF
)

printf '\n%s finished trials of the seed MLP space (results/ as files, page cache warm)\n' "$n"
printf '%-58s %10s\n' "step" "seconds"
printf '%-58s %10s\n' "generate the results/ files (gen_results.py, not timed below)" "$gen_s"
printf '%-58s %10s   (runs: %s, %s, %s; peak %s MB)\n' "hpo-collect, cold (no .index/, no outputs)" "$cold" "$c1" "$c2" "$c3" "$((cold_rss / 1024))"
printf '%-58s %10s   (runs: %s, %s)\n' "hpo-collect, after 1,000 new results" "$incr" "$i1" "$i2"
printf '%-58s %10s   (runs: %s, %s, %s)\n' "hpo-collect, nothing new" "$warm" "$w1" "$w2" "$w3"
printf '%-58s %10s   (runs: %s, %s; peak %s MB)\n' "hpo-report (page $page_bytes bytes)" "$report" "$r1" "$r2" "$((report_rss / 1024))"
printf '%-58s %10s\n' "hpo-report --format text" "$text"
printf '%-58s %10s\n' "Optuna 3.1 JournalFileStorage: build the journal" "$obuild"
printf '%-58s %10s\n' "Optuna 3.1 JournalFileStorage: load_study + get_trials" "$oload"
printf '%-58s %10s   (peak %s MB)\n' "Optuna 3.1: study.trials_dataframe()" "$odf" "$((orss / 1024))"
echo "$oload $odf $cold $incr $warm" | awk '{
  printf "ratio Optuna (load + dataframe) / hpo-collect cold:   %6.1fx\n", ($1 + $2) / $3
  printf "ratio Optuna (load + dataframe) / hpo-collect +1,000: %6.1fx\n", ($1 + $2) / $4
  printf "ratio hpo-collect cold / +1,000 new:                  %6.1fx\n", $3 / $4
  printf "ratio hpo-collect cold / nothing new:                 %6.1fx\n", $3 / $5
}'
echo "$page_bytes" | awk '{ printf "report.html: %.2f MB (%d bytes)\n", $1 / 1e6, $1 }'
