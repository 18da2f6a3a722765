#!/usr/bin/env bash
# slurm.env_setup runs in the batch shell: what it exports reaches the trial, and when it
# fails (here in task 1 only, as a missing module would) the trial is not run: the attempt is
# recorded as failed with env_setup's exit code and last error line.
source "$(dirname "$0")/lib.sh"
need_slurm
cat > obj.sh <<'SH'
#!/bin/bash
echo ran >> "$HPO_TRIAL_DIR/ran"
printf '{"error": %s, "foo": "%s"}\n' "$1" "${FOO:-}" > "$HPO_RESULT.tmp.$$"
mv "$HPO_RESULT.tmp.$$" "$HPO_RESULT"
SH
env_setup=$(cat <<'SH'
echo "setting up task $SLURM_ARRAY_TASK_ID"
[ "$SLURM_ARRAY_TASK_ID" != 1 ] || { echo "Lmod: no-such-module/1.0 not found" >&2; false; }
export FOO=from-env-setup
SH
)
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/obj.sh {x}" \
  slurm.partition=main slurm.time='"00:05:00"' slurm.job_name=e2e-envsetup slurm.env_setup="|
$env_setup" \
  hpo.max_concurrent_jobs=3 hpo.output_dir=camp hpo.seed=6
hpo-sample -n 3 | hpo-submit --array --no-collect > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
wait_until 90 slurm_idle $(cat jobs.txt) || fail "jobs did not finish: $(squeue -r)"
hpo-collect camp > collect.out 2> collect.err || fail "collect: $(cat collect.err)"
grep -q "3 trials: 2 finished, 0 running, 0 pending, 1 failed" collect.out || fail "summary: $(cat collect.out collect.err; ls camp/*)"
for i in 0 2; do
  json_get camp/results/trial_$i.json 'j["additional_info"]["foo"]' | grep -qx from-env-setup \
    || fail "trial $i did not see env_setup's export: $(cat camp/results/trial_$i.json)"
done
json_get camp/failed/trial_1.json 'j["reason"]' \
  | grep -qx "env_setup failed: exit code 1: Lmod: no-such-module/1.0 not found" \
  || fail "reason: $(cat camp/failed/trial_1.json)"
[ -e camp/trials/trial_1/ran ] && fail "trial 1 ran although env_setup failed"
A=$(head -1 jobs.txt)
grep -q "no-such-module/1.0 not found" camp/slurm/e2e-envsetup_${A}_1.out || fail "task log: $(cat camp/slurm/e2e-envsetup_${A}_1.out)"
left=$(grep -ls "no-such-module" /tmp/hpo-env-setup.* 2>/dev/null || true)
[ -z "$left" ] || fail "env_setup's error log left behind: $left"
note "ok"
