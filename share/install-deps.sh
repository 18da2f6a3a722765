#!/usr/bin/env bash
# Installs the Debian packages hpo needs, only those that are missing.
#   install-deps.sh build   compiler, CMake and the libraries (yaml-cpp, Boost, doctest, nlohmann-json)
#   install-deps.sh demo    build + Debian's scikit-learn for the MLP demo (/usr/bin/python3)
#   install-deps.sh test    demo + pandas/matplotlib (seed's analysis), SLURM + munge, Chromium
#   install-deps.sh bench   test + Optuna 3.1 (the peer the benchmarks compare against)
# Without root it only reports what is missing (see README: building on a cluster).
set -euo pipefail

level="${1:-build}"
build=(cmake g++ make pkg-config libyaml-cpp-dev libboost-filesystem-dev
       libboost-program-options-dev doctest-dev nlohmann-json3-dev)
demo=(python3 python3-sklearn)
test=(python3-pandas python3-matplotlib python3-pil slurmctld slurmd slurm-client munge
      chromium fonts-dejavu-core libxml2-utils procps psmisc strace)
bench=(python3-optuna hyperfine time)

case "$level" in
  build) want=("${build[@]}") ;;
  demo) want=("${build[@]}" "${demo[@]}") ;;
  test) want=("${build[@]}" "${demo[@]}" "${test[@]}") ;;
  bench) want=("${build[@]}" "${demo[@]}" "${test[@]}" "${bench[@]}") ;;
  *) echo "install-deps.sh: error: unknown level '$level' (build, demo, test or bench)" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: error: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps.sh: run as root (sudo $0 $level), or see README 'Building without root'" >&2
  exit 1
fi
echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
