#!/usr/bin/env bash
# The node goes down (`scontrol update nodename=N state=down`) while four trials run on it.
# What SLURM does (22.05, observed): every running job on the node is signalled ("CANCELLED
# ... DUE TO NODE FAILURE") and, since the array scripts carry #SBATCH --requeue, requeued
# with the same job id; a job whose requeue flag was cleared (`scontrol update jobid=J
# requeue=0`, done here for one task) ends NODE_FAIL instead. What must hold:
#  - an hpo-collect during the outage leaves the requeued trials in running/ and records the
#    other one as failed with reason NODE_FAIL;
#  - the requeued tasks resume their trials (restart_count >= 1, "resuming" in their logs),
#    never running a trial twice at once;
#  - with hpo.max_attempts 3, the chained `hpo-collect --resubmit` retries the NODE_FAIL
#    trial and the campaign completes: every trial finished, none running, none lost.
# The node is resumed in a trap whatever happens (ReturnToService=2 may already have).
source "$(dirname "$0")/lib.sh"
need_slurm
node=$(sinfo -h -o %n | head -1)
[ -n "$node" ] || fail "sinfo names no node"
node_state() { sinfo -h -n "$node" -o %t | head -1; }
resume_node() {
  case "$(node_state)" in
    down* | drain* | drng* | fail*) scontrol update nodename="$node" state=resume ;;
  esac
}
cleanup() {
  local rc=$?
  resume_node || echo "slurm_node_down: could not resume node $node: $(sinfo)" >&2
  (exit $rc)
  _on_exit
}
trap cleanup EXIT

write_overlap_objective
write_config hpo.yaml space.x='{uniform: [0, 1]}' trial.command="bash $SCRATCH/obj.sh {x}" \
  trial.env='{SLEEP: "12"}' slurm.partition=main slurm.time='"00:05:00"' \
  slurm.job_name=e2e-nodedown hpo.max_concurrent_jobs=4 hpo.max_attempts=3 hpo.output_dir=camp \
  hpo.seed=6
# The cluster may be shared (tests of others, demos): never take the node down under a job
# that is not ours.
foreign() { squeue -h -t RUNNING,COMPLETING,CONFIGURING -o "%i %j" | grep -v " e2e-nodedown" || true; }
no_foreign() { [ -z "$(foreign)" ]; }
if ! wait_until 300 no_foreign; then
  [ "${CI:-false}" = true ] || skip "other jobs keep running on the cluster: $(foreign | head -3)"
  note "CI: taking the node down although these run: $(foreign | head -3)"
fi
n=4
hpo-sample -n $n | hpo-submit --array > jobs.txt 2> submit.log || fail "submit: $(cat submit.log)"
grep -q "submitted hpo-collect job" submit.log || fail "no chained hpo-collect: $(cat submit.log)"
all_started() { [ "$(grep -ls '^start' camp/trials/trial_*/runs.log | wc -l)" -eq $n ]; }
wait_until 120 all_started || fail "not all $n trials started: $(squeue; ls camp/running)"
task_of() { json_get "camp/running/trial_$1.json" 'j["runner"]["slurm_array_job_id"] + "_" + j["runner"]["slurm_array_task_id"]'; }
job_of() { json_get "camp/running/trial_$1.json" 'j["runner"]["slurm_job_id"]'; }
declare -A job
for ((i = 0; i < n; i++)); do job[$i]=$(job_of $i); done
if ! no_foreign && [ "${CI:-false}" != true ]; then
  scancel -n e2e-nodedown,e2e-nodedown-collect
  skip "another job started on the cluster meanwhile: $(foreign | head -3)"
fi
nofail=0
scontrol update jobid="$(task_of $nofail)" requeue=0 || fail "cannot clear the requeue flag of $(task_of $nofail)"
sleep 1
scontrol update nodename="$node" state=down reason=hpo-test || fail "cannot set $node down"
note "node $node set down with trials 0-$((n - 1)) running (trial $nofail not requeueable); now $(node_state)"
sleep 3
resume_node
ending() { json_get "camp/running/trial_$1.json" '"ending" in j.get("runner", {})' 2>/dev/null | grep -qx True; }
for ((i = 0; i < n; i++)); do
  wait_until 30 ending $i || fail "the runner of trial $i did not record the end of its job: $(cat camp/running/trial_$i.json)"
done
states=$(squeue -h -t all -j "$(IFS=,; echo "${job[*]}")" -o "%A=%T" | sort | tr '\n' ' ')
hpo-collect camp > gap.out 2> gap.err || fail "collect during the outage: $(cat gap.err)"
note "during the outage SLURM said: $states"
[ -f "camp/failed/trial_$nofail.json" ] || fail "trial $nofail (not requeueable) not failed: $(cat gap.out gap.err)"
json_get "camp/failed/trial_$nofail.json" 'j["reason"]' | grep -q "^NODE_FAIL" \
  || fail "reason of trial $nofail: $(json_get "camp/failed/trial_$nofail.json" 'j["reason"]')"
for ((i = 1; i < n; i++)); do
  [ -f "camp/running/trial_$i.json" ] || [ -f "camp/results/trial_$i.json" ] \
    || fail "requeued trial $i was settled during the outage: $(cat gap.out gap.err)"
done

# The requeued tasks resume; the chained hpo-collect --resubmit retries trial $nofail.
ours_queued() { [ -n "$(squeue -h -n e2e-nodedown,e2e-nodedown-collect -o %i)" ]; }
done_all() { exactly camp/results $n && ! ours_queued; }
wait_until 400 done_all || fail "campaign did not complete: $(ls camp/*/; squeue)"
hpo-collect camp > final.out 2> final.err || fail "final collect: $(cat final.err)"
grep -q "$n trials: $n finished, 0 running, 0 pending, 0 failed" final.out || fail "final: $(cat final.out)"
json_get "camp/results/trial_$nofail.json" 'j["attempt"], j["history"][0]["reason"].split(" ")[0]' | grep -qx "2 NODE_FAIL" \
  || fail "trial $nofail was not retried after NODE_FAIL: $(cat camp/results/trial_$nofail.json)"
for ((i = 1; i < n; i++)); do
  json_get "camp/results/trial_$i.json" 'j["attempt"], j["additional_info"]["restart_count"] >= 1, j["additional_info"]["slurm_job_id"]' \
    | grep -qx "1 True ${job[$i]}" || fail "trial $i was not resumed by its requeued job ${job[$i]}: $(cat camp/results/trial_$i.json)"
  grep -q "trial $i: resuming after a restart of job ${job[$i]}" camp/slurm/e2e-nodedown_*.out \
    || fail "no 'resuming' for trial $i"
done
for ((i = 0; i < n; i++)); do
  runs=camp/trials/trial_$i/runs.log
  grep -q OVERLAP "$runs" && fail "trial $i ran twice at once: $(cat "$runs")"
  assert_eq "$(grep -c '^start' "$runs")" 2 "executions of trial $i ($(cat "$runs"))"
done
grep -q "DUE TO NODE FAILURE" camp/slurm/e2e-nodedown_*.out || fail "SLURM logs do not mention the node failure"
case "$(node_state)" in down* | drain* | fail*) fail "node $node left $(node_state)" ;; esac
note "ok"
