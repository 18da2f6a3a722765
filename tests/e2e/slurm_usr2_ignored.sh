#!/usr/bin/env bash
# A trial that ignores the time-limit warning on the real cluster: warned with SIGUSR2
# (scancel -b -s USR2), it neither checkpoints nor stops, nor stops on the SIGTERM at the end
# of the grace, and is killed with SIGKILL; its runner requeues the task, and the history says
# what really happened (killed after the grace, requeued without a checkpoint), not
# "checkpointed". The second attempt finishes.
source "$(dirname "$0")/lib.sh"
need_slurm
cat > obj.sh <<'SH'
#!/bin/bash
echo "start attempt=$HPO_ATTEMPT" >> "$HPO_TRIAL_DIR/runs.log"
if [ "$HPO_ATTEMPT" = 1 ]; then
  trap '' USR2 TERM
  while true; do sleep 1; done
fi
printf '{"error": %s}\n' "$1" > "$HPO_RESULT"
SH
cat > hpo.yaml <<YAML
space: {x: {uniform: [0, 1]}}
trial: {command: [bash, "$SCRATCH/obj.sh", "{x}"]}
slurm: {partition: main, time: "00:05:00", signal_grace: 10, job_name: e2e-usr2kill}
hpo: {max_attempts: 2, output_dir: camp, seed: 3}
YAML
hpo-sample -n 1 | hpo-submit --array --no-collect > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
started() { [ -f camp/running/trial_0.json ] && grep -qs '^start attempt=1' camp/trials/trial_0/runs.log; }
wait_until 90 started || fail "trial 0 did not start: $(squeue -r; ls camp/*)"
task=$(json_get camp/running/trial_0.json 'j["runner"]["slurm_array_job_id"] + "_" + j["runner"]["slurm_array_task_id"]')
scancel -b -s USR2 "$task" || fail "scancel -s USR2 $task"
note "warned task $task; the trial ignores SIGUSR2 and SIGTERM"
wait_until 120 test -f camp/results/trial_0.json || fail "trial 0 did not finish after its requeue: $(cat camp/*/trial_0.json; cat camp/slurm/*.out)"
json_get camp/results/trial_0.json 'j["attempt"], [h["state"] for h in j["history"]], j["history"][0]["trial"]' \
  | grep -qx "2 \['requeued'\] killed by SIGKILL" || fail "record: $(cat camp/results/trial_0.json)"
json_get camp/results/trial_0.json 'j["history"][0]["reason"]' > reason.txt
grep -q "killed by SIGKILL after the grace and requeued without a checkpoint" reason.txt || fail "reason: $(cat reason.txt)"
grep -q "checkpointed" reason.txt && fail "the reason claims a checkpoint: $(cat reason.txt)"
grep -q "requeued job $task as attempt 2" camp/slurm/*.out || fail "runner log: $(cat camp/slurm/*.out)"
note "ok: $(cat reason.txt)"
