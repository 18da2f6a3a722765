#!/usr/bin/env bash
# The seed's `sbatch hpo/scripts/submit_hpo_campaign.sh --config mlp_example`, for hpo:
# samples the campaign's trials, submits them as throttled job arrays and chains
# hpo-collect and hpo-report after them (--dependency=afterany). Run it on a login node,
# or sbatch it: it only submits and exits, there is no manager job to keep alive.
# Installed as `hpo-campaign`.
#
#   hpo-campaign --config NAME [-n N] [--start K] [--local] [--dry-run]
#
# NAME is a file, or looked up as hpo/config/NAME.yaml, config/NAME.yaml, NAME.yaml,
# examples/NAME/hpo.yaml (in the current directory).
#SBATCH --job-name=hpo-campaign
#SBATCH --time=00:10:00
#SBATCH --mem=1G
#SBATCH --cpus-per-task=1
#SBATCH --output=hpo_campaign_%j.out
set -euo pipefail
prog=hpo-campaign
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }

config="" n=() start=() backend=(--array) extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --config|-c) [ $# -ge 2 ] || { echo "$prog: error: $1 needs a value" >&2; exit 2; }; config="$2"; shift 2 ;;
    --config=*) config="${1#*=}"; shift ;;
    -n) n=(-n "$2"); shift 2 ;;
    --start) start=(--start "$2"); shift 2 ;;
    --local) backend=(--local); shift ;;
    --dry-run) extra+=(--dry-run); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$prog: error: unknown option '$1' (see $prog --help)" >&2; exit 2 ;;
  esac
done
[ -n "$config" ] || { echo "$prog: error: give --config NAME (see $prog --help)" >&2; exit 2; }
file=""
for candidate in "$config" "hpo/config/$config.yaml" "config/$config.yaml" "$config.yaml" \
                 "examples/$config/hpo.yaml"; do
  if [ -f "$candidate" ]; then file="$candidate"; break; fi
done
[ -n "$file" ] || { echo "$prog: error: no config '$config' (looked for $config, hpo/config/$config.yaml, config/$config.yaml, $config.yaml, examples/$config/hpo.yaml)" >&2; exit 2; }

# Sibling tools first (installed or build tree), then PATH. Under sbatch, $0 is a copy in
# the spool folder: SLURM_SUBMIT_DIR and PATH decide there.
here="$(cd -- "$(dirname -- "$0")" && pwd)"
for d in "$here" "$here/../../build/tools"; do
  if [ -x "$d/hpo-sample" ]; then PATH="$d:$PATH"; break; fi
done
command -v hpo-sample >/dev/null || { echo "$prog: error: hpo-sample not found on PATH (module load hpo?)" >&2; exit 1; }
echo "$prog: config $file" >&2
hpo-sample -c "$file" "${n[@]}" "${start[@]}" | hpo-submit -c "$file" "${backend[@]}" "${extra[@]}"
