#!/usr/bin/env bash
# The installed tree: `cmake --install` into a prefix that is not the build folder, and the
# CPack .tar.gz and .deb unpacked into scratch roots; from each, the tools find their
# templates and the Python helper relative to their own location, --version agrees
# everywhere (hpo-campaign too), and a small campaign of the MLP example runs through
# hpo_trial. The README's installed hpo-campaign commands with --local run as written from
# a project folder with the prefix's tools.
source "$(dirname "$0")/lib.sh"
build="$(cd "$HPO_TOOLS_DIR/.." && pwd)"
cmake --install "$build" --prefix "$SCRATCH/prefix" > install.log 2>&1 || fail "install: $(tail install.log)"
(cd "$build" && cpack -G "TGZ;DEB" -B "$SCRATCH/pkg" > "$SCRATCH/cpack.log" 2>&1) || fail "cpack: $(tail cpack.log)"
mkdir -p tgz deb
tar -xzf pkg/hpo-*-Linux.tar.gz -C tgz
dpkg-deb -x pkg/hpo-*-Linux.deb deb || dpkg-deb -x "$(ls pkg/*.deb | head -1)" deb
roots=("$SCRATCH/prefix" "$(ls -d "$SCRATCH"/tgz/hpo-*-Linux)" "$SCRATCH/deb/usr")
version=$("$HPO_TOOLS_DIR/hpo-sample" --version | awk '{print $2}')
for root in "${roots[@]}"; do
  for f in bin/hpo-sample bin/hpo-submit bin/hpo-run bin/hpo-collect bin/hpo-campaign \
           share/hpo/templates/array.sbatch.in share/hpo/templates/collect.sbatch.in \
           share/hpo/templates/Makefile.in share/hpo/python/hpo_trial.py \
           share/hpo/spack/package.py share/hpo/modulefiles/hpo.lua share/hpo/examples/mlp/train.py; do
    [ -e "$root/$f" ] || fail "$root lacks $f"
  done
  for t in "$root"/bin/hpo-*; do
    assert_eq "$("$t" --version)" "$(basename "$t") $version" "version of $t"
    "$t" --help | grep -q "^examples:" || fail "$t --help has no examples"
  done
done
# The README's installed commands with --local, as written, in a project folder, with only
# the prefix's tools on PATH: hpo-campaign finds the example in <prefix>/share/hpo/examples.
mkdir project
while read -r line; do
  note "README: $line"
  (cd project && PATH="$SCRATCH/prefix/bin:/usr/bin:/bin" bash -c "$line") > readme.out 2> readme.err \
    || fail "$line: $(cat readme.err)"
done < <(readme_campaign_commands installed local)
assert_eq "$(count_ended project/hpo_results/mlp_example)" 4 "trials (finished or pruned) of the README's command ($(cat readme.err))"
json_get project/hpo_results/mlp_example/campaign.json 'j["config_dir"]' | grep -qx "$SCRATCH/prefix/share/hpo/examples/mlp" \
  || fail "the campaign was not made from the installed example: $(cat project/hpo_results/mlp_example/campaign.json)"

# A campaign from the .deb root, away from the source and build trees: the MLP example,
# shortened, through the helper that hpo-run puts on PYTHONPATH.
root="$SCRATCH/deb/usr"
mkdir run && cd run
sed -e "s|{config_dir}|$root/share/hpo/examples/mlp|" -e "s|max_epochs: 27 |max_epochs: 3 |" \
    -e "s|output_dir: .*|output_dir: camp|" "$root/share/hpo/examples/mlp/hpo.yaml" > hpo.yaml
PATH="$root/bin:/usr/bin:/bin" hpo-sample -n 3 | PATH="$root/bin:/usr/bin:/bin" hpo-submit --local 2> submit.log
grep -q "max_epochs: 3 " hpo.yaml || fail "could not shorten the example"
assert_eq "$(count_ended camp)" 3 "trials finished or pruned from the installed tree ($(cat submit.log; cat camp/failed/* 2>/dev/null))"
grep -rq "share/hpo/python" camp/trials/trial_0/stderr.log camp/results/trial_0.json 2>/dev/null || true
# The batch script rendered from the installed templates names the installed runner.
PATH="$root/bin:/usr/bin:/bin" hpo-submit --array --dry-run > dry.txt 2>&1 || true
hpo-sample -n 2 --start 3 > more.jsonl
PATH="$root/bin:/usr/bin:/bin" hpo-submit --array --dry-run --trials more.jsonl > dry.txt 2> dry.err || fail "dry run: $(cat dry.err)"
grep -q "exec '$root/bin/hpo-run'" dry.txt || fail "rendered script does not run the installed hpo-run: $(grep exec dry.txt)"
note "ok"
