#!/usr/bin/env bash
# Seeded fault injection (tests/e2e/fault_inject.py): SIGKILL of runners, trials, hpo-collect
# and launchers at random moments of a local campaign loses no trial, never changes or loses
# a finished result, never shows a temp file as a record, and the campaign still finishes.
# HPO_FAULT_INJECTIONS (default 200) and HPO_FAULT_SEED (default 1) select the run.
source "$(dirname "$0")/lib.sh"
seed=${HPO_FAULT_SEED:-1}
injections=${HPO_FAULT_INJECTIONS:-200}
$PY "$HPO_SOURCE_DIR/tests/e2e/fault_inject.py" --tools "$HPO_TOOLS_DIR" --dir "$SCRATCH" \
  --seed "$seed" --injections "$injections" > summary.txt 2> inject.log \
  || fail "invariant broken (seed $seed): $(tail -5 inject.log; cat summary.txt)"
# A planned syscall kill may still fire after the last random one: N or a few more.
read -r run survived < <(sed -n 's/^injections: \([0-9]*\) run, \([0-9]*\) survived$/\1 \2/p' summary.txt)
[ -n "${run:-}" ] && [ "$run" -ge "$injections" ] && [ "$survived" = "$run" ] || fail "summary: $(cat summary.txt)"
tail -1 inject.log >&2
cat summary.txt
