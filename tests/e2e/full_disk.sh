#!/usr/bin/env bash
# A full disk (a 600 KiB tmpfs as the campaign folder), filled while trials are recorded and
# while they run: every tool that cannot write says `hpo-<tool>: error: failed to ... <path>:
# No space left on device` (the path inside the campaign) and exits non-zero; every record
# already published stays complete (no zero-length or half-written file under a trial name,
# no finished result changed), no temp file is left behind; once space is freed,
# hpo-collect settles what the full disk interrupted and the campaign finishes.
# Needs root (mount); skipped otherwise, except in CI.
source "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ]; then
  [ "${CI:-false}" = true ] && fail "CI=true but not root: cannot mount the small tmpfs"
  skip "needs root to mount a tmpfs"
fi
mounts=()
cleanup() {
  local rc=$? m
  for m in "${mounts[@]}"; do
    if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then cp -a "$m" "$m.saved" 2>/dev/null || true; fi
    umount "$m" 2>/dev/null || umount -l "$m" || echo "full_disk: could not unmount $m" >&2
  done
  (exit $rc)
  _on_exit
}
trap cleanup EXIT
mount_small() {
  mkdir -p "$1"
  mount -t tmpfs -o size=600k,mode=0755 hpo-full-disk-test "$1" || skip "cannot mount a tmpfs here"
  mounts+=("$SCRATCH/$1")
}

# check_records CAMP: every file under a state folder is a complete record of its trial;
# the summaries, if any, are complete; no temp file is left in tmp/.
check_records() {
  $PY - "$1" <<'PY' || fail "records damaged in $1"
import csv, io, json, os, re, sys
camp = sys.argv[1]
for d in ("pending", "running", "results", "failed"):
    for n in os.listdir(os.path.join(camp, d)):
        p = os.path.join(camp, d, n)
        m = re.match(r"^trial_(0|[1-9][0-9]*)\.json$", n)
        if not m: sys.exit(f"{p}: not a trial file name")
        b = open(p, "rb").read()
        if not b: sys.exit(f"{p}: zero length")
        j = json.loads(b)
        if not isinstance(j, dict) or j.get("trial_id") != int(m.group(1)): sys.exit(f"{p}: {b[:200]!r}")
for f in ("final_results.json", "best_config.json", "campaign.json"):
    p = os.path.join(camp, f)
    if os.path.exists(p): json.loads(open(p, "rb").read())
p = os.path.join(camp, "results.csv")
if os.path.exists(p):
    t = open(p).read()
    rows = list(csv.reader(io.StringIO(t)))
    if not t.endswith("\n") or any(len(r) != len(rows[0]) for r in rows): sys.exit(f"{p} half-written: {t[-200:]!r}")
left = os.listdir(os.path.join(camp, "tmp"))
if left: sys.exit(f"temp files left in tmp/: {left[:5]}")
PY
}
# only_enospc_errors LOG CAMP: at least one error line, and every error line is a full disk
# naming a path in the campaign.
only_enospc_errors() {
  grep -q ": error: " "$1" || fail "no error reported in $1: $(tail -5 "$1")"
  local bad
  bad=$(grep ": error: " "$1" | grep -vE "^hpo-(run|submit|collect): error: failed to [a-z]+ $SCRATCH/$2/[^ ]+: No space left on device$" || true)
  [ -z "$bad" ] || fail "unexpected errors in $1: $bad"
}

# --- the disk fills while trials are recorded --------------------------------------------
mount_small camp_a
write_config a.yaml space.x='{uniform: [0, 1]}' trial.command='"true"' hpo.output_dir=camp_a \
  hpo.seed=1
rc=0; hpo-sample -c a.yaml -n 3000 | hpo-submit -c a.yaml --no-start 2> a.err || rc=$?
assert_eq "$rc" 1 "hpo-submit exit status on a full disk"
only_enospc_errors a.err camp_a
grep -q "^hpo-submit: error: failed to write $SCRATCH/camp_a/tmp/trial_[0-9]*\.json\.[^ ]*: No space left on device$" a.err \
  || fail "hpo-submit's message: $(cat a.err)"
check_records camp_a
k=$(count_files camp_a/pending)
[ "$k" -gt 10 ] && [ "$k" -lt 3000 ] || fail "$k trials recorded before the disk was full"
# The trials recorded are exactly 0..k-1, in order: nothing half-recorded beyond.
$PY -c "import os,sys; ids = sorted(int(n[6:-5]) for n in os.listdir('camp_a/pending')); sys.exit(ids != list(range($k)))" \
  || fail "recorded trials are not 0..$((k - 1))"
sha_a=$(cat camp_a/pending/* | sha256sum)
# Still full: trying again changes nothing and fails the same way.
rc=0; hpo-sample -c a.yaml -n 3000 | hpo-submit -c a.yaml --no-start 2> a2.err || rc=$?
assert_eq "$rc" 1 "second hpo-submit on a full disk"
only_enospc_errors a2.err camp_a
assert_eq "$(cat camp_a/pending/* | sha256sum)" "$sha_a" "pending records after the second attempt"
rc=0; hpo-collect camp_a > ca.out 2> ca.err || rc=$?
assert_eq "$rc" 1 "hpo-collect exit status on a full disk"
only_enospc_errors ca.err camp_a
check_records camp_a
note "recorded $k trials before the disk was full"

# --- the disk fills while trials run -----------------------------------------------------
mount_small camp_b
cat > obj.sh <<'SH'
#!/bin/bash
set -eu
sleep 0.5
printf '{"error": %s}\n' "$1" > "$HPO_RESULT.tmp.$$"
mv "$HPO_RESULT.tmp.$$" "$HPO_RESULT"
SH
write_config b.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/obj.sh {x}" \
  hpo.max_concurrent_jobs=3 hpo.max_attempts=5 hpo.output_dir=camp_b hpo.seed=2
n=15  # each trial also keeps ~4 pages of work folder: 600 KiB holds ~25
hpo-sample -c b.yaml -n $n | hpo-submit -c b.yaml --no-start 2> b0.err || fail "submit: $(cat b0.err)"
hpo-submit -c b.yaml --local 2> b.log &
launcher=$!
wait_until 60 at_least camp_b/results 3 || fail "no trial finished: $(cat b.log)"
# Snapshot of the published results, then fill the disk to the last page.
$PY -c 'import json,os; print(json.dumps({n: open("camp_b/results/"+n).read() for n in os.listdir("camp_b/results")}))' > before.json
head -c 1M /dev/zero > camp_b/filler 2> fill.err && fail "the 600k tmpfs took 1 MiB"
grep -q "No space left on device" fill.err || fail "filler: $(cat fill.err)"
sleep 2  # trials keep starting and ending on the full disk
rc=0; hpo-collect camp_b > cb.out 2> cb.err || rc=$?
assert_eq "$rc" 1 "hpo-collect exit status while trials run on a full disk"
only_enospc_errors cb.err camp_b
rc=0; hpo-sample -c b.yaml --start $n -n 20 | hpo-submit -c b.yaml --no-start 2> b2.err || rc=$?
assert_eq "$rc" 1 "hpo-submit exit status while trials run on a full disk"
only_enospc_errors b2.err camp_b
wait $launcher || fail "launcher: $(tail -5 b.log)"
only_enospc_errors b.log camp_b
grep -q "^hpo-run: error: .*No space left on device" b.log || fail "no runner met the full disk: $(cat b.log)"
check_records camp_b
$PY - <<'PY' || fail "a finished result changed or vanished on the full disk"
import json, sys
before = json.load(open("before.json"))
for n, text in before.items():
    if open("camp_b/results/" + n).read() != text: sys.exit(n)
PY
note "full while running: $(grep -c '^hpo-run: error' b.log) runner(s) stopped, $(count_files camp_b/results) finished, $(count_files camp_b/running) left in running/"

# --- space again: hpo-collect settles, the campaign finishes ---------------------------------
rm camp_b/filler
hpo-collect camp_b > cc.out 2> cc.err || fail "collect after freeing space: $(cat cc.err)"
grep -q "0 running" cc.out || fail "collect left trials running: $(cat cc.out)"
hpo-submit -c b.yaml --local --retry-failed 2> b3.log || fail "relaunch: $(tail -5 b3.log)"
hpo-collect camp_b > cd.out 2>&1 || fail "final collect: $(cat cd.out)"
grep -q "$n trials: $n finished, 0 running, 0 pending, 0 failed" cd.out || fail "campaign did not finish: $(cat cd.out)"
check_records camp_b
note "ok"
