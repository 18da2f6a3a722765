#!/usr/bin/env bash
# Parameter values with quotes, ;, $(), spaces and newlines reach the trial intact, as single
# argv elements and in the config file, and execute nothing.
source "$(dirname "$0")/lib.sh"
cat > check.py <<'PY'
import json, os, sys
# argv[1] is the value of {s} and argv[2] is "--tag=" + {s}: both must equal the config's.
cfg = json.load(open(os.environ["HPO_CONFIG"]))
ok = sys.argv[1] == cfg["s"] and sys.argv[2] == "--tag=" + cfg["s"] and len(sys.argv) == 3
json.dump({"error": 0.0 if ok else 1.0, "argv": sys.argv[1:]}, open(os.environ["HPO_RESULT"], "w"))
PY
cat > hpo.yaml <<YAML
space:
  s:
    - "it's"
    - 'say "hi"'
    - "a; touch $SCRATCH/PWNED1"
    - "\$(touch $SCRATCH/PWNED2)"
    - "\`touch $SCRATCH/PWNED3\`"
    - "two words  and\ttab"
    - "line1\nline2; touch $SCRATCH/PWNED4"
    - "{config_file} {s}"
    - "λ unicode ✓"
trial:
  command: /usr/bin/python3 $SCRATCH/check.py {s} --tag={s}
hpo:
  output_dir: camp
  seed: 3
YAML
hpo-sample -n 60 | hpo-submit --local 2>/dev/null
assert_eq "$(count_files camp/results)" 60 "finished trials"
bad=$(grep -L '"error":0.0' camp/results/*.json || true)
[ -z "$bad" ] || fail "values arrived altered in: $bad ($(head -c 400 $bad))"
ls PWNED* 2>/dev/null && fail "a parameter value was executed by a shell"
distinct=$($PY -c 'import json,glob; print(len({json.load(open(f))["config"]["s"] for f in glob.glob("camp/results/*.json")}))')
assert_eq "$distinct" 9 "distinct values exercised"
note "ok"
