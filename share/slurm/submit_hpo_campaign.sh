#!/usr/bin/env bash
# The seed's `sbatch hpo/scripts/submit_hpo_campaign.sh --config mlp_example`, for hpo:
# finds the config by name, samples the campaign's trials, submits them as throttled job
# arrays and chains hpo-collect and hpo-report after them (--dependency=afterany), or runs
# them here with --local. Run it on a login node, or sbatch it: it only submits and exits,
# there is no manager job to keep alive. Installed as `hpo-campaign`; usage() says the rest.
#SBATCH --job-name=hpo-campaign
#SBATCH --time=00:10:00
#SBATCH --mem=1G
#SBATCH --cpus-per-task=1
#SBATCH --output=hpo_campaign_%j.out
set -euo pipefail
prog=hpo-campaign

usage() {
  cat <<'EOF'
usage: hpo-campaign --config NAME [-n N] [--start K] [--local] [--dry-run]

Samples a campaign's trials and starts them: as throttled SLURM job arrays with
hpo-collect (and hpo-report) chained after them, or as processes here (--local).
It submits and exits; nothing needs to stay alive.

options:
  -c, --config NAME  the config file, or a name looked up, in this order, as
                     ./hpo/config/NAME.yaml, ./config/NAME.yaml, ./NAME.yaml,
                     ./examples/NAME/hpo.yaml, then the examples of the repository
                     this script is in (<repo>/examples/NAME/hpo.yaml) and of the
                     installation (<prefix>/share/hpo/examples/NAME/hpo.yaml).
                     NAME_example also finds the example NAME (the campaign name the
                     seed used: mlp_example is examples/mlp)
  -n N               trials to sample (default: the config's hpo.n_trials)
  --start K          the first trial id (to extend a campaign)
  --local            run the trials here (hpo-submit --local), not as SLURM arrays
  --dry-run          with SLURM: print the batch scripts and sbatch lines, submit nothing
  -h, --help         this text
  --version          the version of the hpo tools it runs

The campaign lands in the config's hpo.output_dir, relative to the current folder
(hpo_results/mlp_example for the MLP example).

examples:
  hpo-campaign --config mlp_example --local -n 4   # 4 trials of the MLP example, here
  hpo-campaign --config mlp_example                # its 20 trials as SLURM job arrays
  sbatch share/slurm/submit_hpo_campaign.sh --config mlp_example   # from a clone
EOF
}

die() { echo "$prog: error: $1" >&2; exit "${2:-2}"; }
need_value() { [ "$2" -ge 2 ] || die "$1 needs a value (see $prog --help)"; }

# Sibling tools first (installed bin/, or the build tree of a clone), then PATH. Under
# sbatch, $0 is a copy in the spool folder: the submit folder's build/ and PATH decide.
find_tools() {
  local d
  for d in "$here" "$here/../../build/tools" "${SLURM_SUBMIT_DIR:-/nonexistent}/build/tools"; do
    if [ -x "$d/hpo-sample" ]; then PATH="$(cd -- "$d" && pwd):$PATH"; return; fi
  done
}

# The places a config NAME may be, one a line, in the order they are tried.
candidates() {
  local name=$1 names=("$1") tools n
  [ "${name%_example}" != "$name" ] && names+=("${name%_example}")
  printf '%s\n' "$name" "hpo/config/$name.yaml" "config/$name.yaml" "$name.yaml"
  for n in "${names[@]}"; do echo "examples/$n/hpo.yaml"; done
  if [ -d "$here/../../examples" ]; then
    for n in "${names[@]}"; do echo "$(cd -- "$here/../../examples" && pwd)/$n/hpo.yaml"; done
  fi
  tools="$(dirname -- "$(command -v hpo-sample)")"
  if [ -d "$tools/../share/hpo/examples" ]; then
    for n in "${names[@]}"; do echo "$(cd -- "$tools/../share/hpo/examples" && pwd)/$n/hpo.yaml"; done
  fi
}

here="$(cd -- "$(dirname -- "$0")" && pwd)"
config="" n=() start=() backend=(--array) extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --config|-c) need_value "$1" $#; config="$2"; shift 2 ;;
    --config=*) config="${1#*=}"; shift ;;
    -n) need_value "$1" $#; n=(-n "$2"); shift 2 ;;
    --start) need_value "$1" $#; start=(--start "$2"); shift 2 ;;
    --local) backend=(--local); shift ;;
    --dry-run) extra+=(--dry-run); shift ;;
    -h|--help) usage; exit 0 ;;
    --version) find_tools; echo "$prog $(hpo-sample --version | awk '{print $2}')"; exit 0 ;;
    *) die "unknown option '$1' (see $prog --help)" ;;
  esac
done
[ -n "$config" ] || die "give --config NAME (see $prog --help)"
find_tools
command -v hpo-sample >/dev/null || die "hpo-sample not found on PATH (module load hpo?)" 1

file=""
mapfile -t places < <(candidates "$config")
for candidate in "${places[@]}"; do
  if [ -f "$candidate" ]; then file="$candidate"; break; fi
done
[ -n "$file" ] || die "no config '$config': looked for $(printf '%s, ' "${places[@]}" | sed 's/, $//') (relative paths in $(pwd)); give a config file or a name found there"

echo "$prog: config $file" >&2
hpo-sample -c "$file" "${n[@]}" "${start[@]}" | hpo-submit -c "$file" "${backend[@]}" "${extra[@]}"
