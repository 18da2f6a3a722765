#!/usr/bin/env bash
# Several hpo-collect processes at once (2, then 8), over and over, beside running trials of
# a local campaign: each exits 0 with a summary that counts every trial exactly once (though
# trials move between folders while it lists them); final_results.json,
# best_config.json and results.csv, read at random moments by a watcher, are always complete
# (valid JSON, CSV rows as wide as the header and ending in a newline); state folders hold
# only trial_<i>.json names; no finished result ever vanishes or changes; and at rest every
# trial is in exactly one folder, finished, with the counts in final_results.json matching.
# Then eight `hpo-submit --retry-failed` at once move each failed trial back once (attempt 2).
source "$(dirname "$0")/lib.sh"
write_objective
n=150
write_config hpo.yaml space.x='{uniform: [-1.0, 1.0]}' \
  trial.command="bash $SCRATCH/objective.sh {x}" trial.env='{SLEEP: "0.15"}' \
  hpo.max_concurrent_jobs=4 hpo.output_dir=camp hpo.seed=5
hpo-sample -n $n | hpo-submit --no-start 2> add.log || fail "submit: $(cat add.log)"

# The watcher: reads the outputs and results at random moments until stop.flag appears.
cat > watch.py <<'PY'
import csv, io, json, os, random, re, sys, time
camp, rng = sys.argv[1], random.Random(1)
name_ok = re.compile(r"^trial_(0|[1-9][0-9]*)\.json$")
seen, reads = {}, {"final_results.json": 0, "best_config.json": 0, "results.csv": 0, "results": 0}
def die(msg):
    print("watcher: " + msg, file=sys.stderr); sys.exit(1)
def read(p):
    try:
        with open(p, "rb") as f: return f.read()
    except FileNotFoundError: return None
while not os.path.exists("stop.flag"):
    time.sleep(rng.uniform(0, 0.01))
    for d in ("pending", "running", "results", "failed"):
        for n in os.listdir(os.path.join(camp, d)):
            if not name_ok.match(n): die(f"{d}/{n}: not a trial file name")
    names = set(os.listdir(os.path.join(camp, "results")))
    gone = [n for n in seen if n not in names]
    if gone: die(f"results vanished: {gone}")
    for n in names - set(seen):
        b = read(os.path.join(camp, "results", n))
        j = json.loads(b)
        if j.get("trial_id") != int(n[6:-5]) or j.get("state") != "finished": die(f"results/{n}: {b[:200]!r}")
        seen[n] = b; reads["results"] += 1
    if seen and rng.random() < 0.05:
        n = rng.choice(sorted(seen))
        if read(os.path.join(camp, "results", n)) != seen[n]: die(f"results/{n} changed")
    for f in ("final_results.json", "best_config.json", "results.csv"):
        b = read(os.path.join(camp, f))
        if b is None: continue
        reads[f] += 1
        if f == "results.csv":
            t = b.decode()
            rows = list(csv.reader(io.StringIO(t)))
            if not t.endswith("\n") or rows[0][:3] != ["trial_id", "state", "error"]: die(f"results.csv: {t[-300:]!r}")
            bad = [r for r in rows[1:] if len(r) != len(rows[0])]
            if bad: die(f"results.csv: short rows {bad[:3]}")
        else:
            try: j = json.loads(b)
            except ValueError as e: die(f"{f} is not complete JSON ({e}): {b[:300]!r}")
            if f == "final_results.json" and not {"counts", "best_error", "n_trials"} <= set(j): die(f"{f}: {b[:300]!r}")
print(" ".join(f"{k}={v}" for k, v in reads.items()))
PY
$PY watch.py camp > watch.out 2> watch.err &
watcher=$!

hpo-submit --local 2> launcher.log &
launcher=$!

# collect_burst K ROUND: K hpo-collect at once; each must exit 0 and print its summary.
collect_burst() {
  local k=$1 round=$2 pids=() i
  for ((i = 0; i < k; i++)); do
    hpo-collect camp > "c.$round.$i.out" 2> "c.$round.$i.err" & pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || fail "hpo-collect $i of round $round ($k at once) exited $?: $(cat c.$round.$i.err)"
    # Every trial counted once, in whatever state the scan met it, though trials move on
    # while the folders are listed.
    sum=$(sed -nE "s|^$PWD/camp: $n trials: ([0-9]+) finished, ([0-9]+) running, ([0-9]+) pending, 0 failed$|\1+\2+\3|p" "c.$round.$i.out")
    [ -n "$sum" ] && [ $((sum)) -eq $n ] \
      || fail "hpo-collect $i of round $round counted other than $n trials: $(cat c.$round.$i.out c.$round.$i.err)"
  done
}
round=0 rounds2=0 rounds8=0
while kill -0 $launcher 2>/dev/null && ! at_least camp/results $((n / 3)); do
  collect_burst 2 $((round++)); rounds2=$((rounds2 + 1))
done
while kill -0 $launcher 2>/dev/null; do
  collect_burst 8 $((round++)); rounds8=$((rounds8 + 1))
done
wait $launcher || fail "launcher: $(cat launcher.log)"
# At rest too: 8 at once, a few times.
for i in 1 2 3; do collect_burst 8 $((round++)); done
touch stop.flag
wait $watcher || fail "$(cat watch.err)"
[ "$rounds2" -ge 3 ] && [ "$rounds8" -ge 3 ] || fail "too few rounds beside running trials: $rounds2 x 2, $rounds8 x 8"

hpo-collect camp > final.out 2> final.err || fail "final collect: $(cat final.err)"
grep -q "$n trials: $n finished, 0 running, 0 pending, 0 failed" final.out || fail "final: $(cat final.out)"
for ((i = 0; i < n; i++)); do
  c=0
  for d in pending running results failed; do [ -e camp/$d/trial_$i.json ] && c=$((c + 1)); done
  [ "$c" -eq 1 ] || fail "trial $i is in $c state folders"
done
json_get camp/final_results.json 'j["counts"] == {"pending": 0, "running": 0, "finished": '$n', "failed": 0, "pruned": 0} and j["n_trials"] == '$n \
  | grep -qx True || fail "final_results.json: $(cat camp/final_results.json)"
assert_eq "$(($(wc -l < camp/results.csv) - 1))" $n "rows of results.csv"
[ -z "$(cat c.*.err)" ] || fail "a collect warned: $(cat c.*.err | sort | uniq -c | head)"

# Eight `hpo-submit --retry-failed` at once on the same failed trials: each trial is moved back
# to pending once, as attempt 2 (a retry must not retry another retry's rewrite again).
write_config r.yaml space.x='{uniform: [0, 1]}' trial.command='"false"' hpo.max_concurrent_jobs=4 \
  hpo.max_attempts=1 hpo.output_dir=campr hpo.seed=5
m=60
rc=0; hpo-sample -c r.yaml -n $m | hpo-submit -c r.yaml --local 2> r.log || rc=$?
assert_eq "$rc" 1 "exit status of a campaign whose every trial failed ($(tail -3 r.log))"
grep -q "every trial failed ($m failed, none finished)" r.log || fail "failing campaign: $(tail -3 r.log)"
assert_eq "$(count_files campr/failed)" $m "failed trials"
sed -i 's/max_attempts: 1/max_attempts: 5/' r.yaml
pids=()
for i in 1 2 3 4 5 6 7 8; do hpo-submit -c r.yaml --retry-failed --no-start 2> "r.$i.err" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent --retry-failed failed: $(cat r.*.err)"; done
assert_eq "$(count_files campr/pending) $(count_files campr/failed) $(count_files campr/running)" "$m 0 0" "pending, failed, running after the retries"
$PY -c 'import glob, json, sys; a = sorted({json.load(open(f))["attempt"] for f in glob.glob("campr/pending/*.json")}); print(a); sys.exit(a != [2])' > attempts.txt \
  || fail "concurrent retries skipped attempts: attempts $(cat attempts.txt)"
note "ok: $rounds2 rounds of 2 and $rounds8 of 8 collects beside running trials; watcher reads: $(cat watch.out)"
