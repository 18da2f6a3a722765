#!/usr/bin/env bash
# A wrong SLURM_CONF, or a controller that does not answer, is reported at once and in full:
# no silent wait of a minute or more, no message cut mid-word. Needs only the SLURM client
# tools (no cluster): squeue and sbatch are run against a missing and a broken config, and a
# stand-in squeue that hangs checks the prompt timeout.
source "$(dirname "$0")/lib.sh"
command -v squeue >/dev/null && command -v sbatch >/dev/null || skip "no SLURM client tools"
write_objective
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/objective.sh {x}" \
  hpo.output_dir=camp
hpo-sample -n 2 | hpo-submit --no-start 2> add.log || fail "add: $(cat add.log)"
# Trial 0 looks running under SLURM elsewhere, so hpo-collect asks squeue about it.
$PY - <<'PYEOF'
import json, os
r = json.load(open("camp/pending/trial_0.json"))
r["state"] = "running"
r["runner"] = {"host": "elsewhere", "pid": 1, "slurm_job_id": "99", "slurm_array_job_id": "98", "slurm_array_task_id": "1"}
json.dump(r, open("camp/running/trial_0.json", "w"))
os.remove("camp/pending/trial_0.json")
PYEOF
# timed CMD...: runs it, stores its stderr in err.txt and its duration (s) in secs.
timed() { local t0=$SECONDS; "$@" > out.txt 2> err.txt || true; secs=$((SECONDS - t0)); }

SLURM_CONF=$SCRATCH/missing.conf timed hpo-collect camp
[ "$secs" -le 5 ] || fail "hpo-collect with a missing SLURM_CONF took $secs s: $(cat err.txt)"
grep -q "SLURM_CONF=$SCRATCH/missing.conf cannot be read: No such file or directory" err.txt || fail "message: $(cat err.txt)"
grep -q "judging running trials by their leases" err.txt || fail "message: $(cat err.txt)"
SLURM_CONF=$SCRATCH/missing.conf timed hpo-submit --array --no-collect
[ "$secs" -le 5 ] || fail "hpo-submit with a missing SLURM_CONF took $secs s: $(cat err.txt)"
grep -q "hpo-submit: error: SLURM_CONF=$SCRATCH/missing.conf cannot be read" err.txt || fail "message: $(cat err.txt)"

printf 'Garbage=1\n' > broken.conf
SLURM_CONF=$SCRATCH/broken.conf timed hpo-collect camp
grep -q "squeue: fatal: Unable to process configuration file; judging running trials by their leases" err.txt \
  || fail "the whole message: $(cat err.txt)"
SLURM_CONF=$SCRATCH/broken.conf timed hpo-submit --array --no-collect
grep -q "sbatch refused the job (exit code 1): .*sbatch: fatal: Unable to process configuration file$" err.txt \
  || fail "the whole message: $(cat err.txt)"

mkdir hang
printf '#!/bin/sh\necho "squeue: error: waiting for the controller" >&2\nexec sleep 300\n' > hang/squeue
chmod +x hang/squeue
PATH=$SCRATCH/hang:$PATH timed hpo-collect camp
[ "$secs" -le 30 ] || fail "hpo-collect waited $secs s for a hanging squeue"
grep -q "squeue did not answer within 20 s: squeue: error: waiting for the controller" err.txt || fail "message: $(cat err.txt)"
[ -f camp/running/trial_0.json ] || fail "the running trial was settled without SLURM's word"
note "ok"
