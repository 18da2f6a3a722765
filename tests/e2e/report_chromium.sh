#!/usr/bin/env bash
# hpo-report end to end: a small real campaign of the seed's MLP space on the local backend
# (a bash objective, some trials failing), `hpo-collect --watch` following it to the end,
# `make report` / `make status` through the rendered Makefile, then the page in headless
# Chromium: no console error, the sort script sorts, and every plot on the screenshot holds
# drawn data (coloured pixels inside each <svg>'s box, located by a probe script).
#
# Needs chromium and python3-pil (share/install-deps.sh test); skips (77) without them,
# except under CI=true where that is a failure.
#   HPO_REPORT_DEMO=1            the seed's space only (no odd parameter name), 120 trials
#   HPO_REPORT_SCREENSHOT=FILE   also save the page's first 1600 px there (docs/report.png)
#   HPO_REPORT_PRUNED_SCREENSHOT=FILE  save the screenshot of the pruned campaign's page there
# Then a second campaign of the same space with the ASHA pruner (each trial reports 9 epochs
# to hpo-prune): its page must show the learning curves, the rung occupancy and the compute
# saved, with the curves' and the rungs' plots drawn; the text summary and the status say
# where the trials stopped.
source "$(dirname "$0")/lib.sh"
HERE="$HPO_SOURCE_DIR/tests/e2e"

missing() {
  if [ "${CI:-false}" = true ]; then fail "CI=true but $1"; fi
  skip "$1"
}
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || missing "chromium is not installed (apt-get install chromium)"
$PY -c 'import PIL' 2>/dev/null || missing "python3-pil is not installed"

demo=${HPO_REPORT_DEMO:-0}
n=60
odd_param='  "λ <b>&amp;\"it'"'"'s\"</b>": {uniform: [0.0, 1.0]}'
if [ "$demo" = 1 ]; then
  n=120
  odd_param=""
fi
cat > hpo.yaml <<YAML
space:
  input_size: 3883
  output_size: 214
  hidden_sizes: [[1024, 512, 256], [2048, 1024, 512]]
  lr: {loguniform: [1.0e-4, 1.0e-2]}
  weight_decay: {loguniform: [1.0e-5, 1.0e-3]}
  batch_size: [32, 64, 128]
  max_epochs: [50, 100]
$odd_param
trial:
  command: bash $HERE/report_objective.sh {lr} {weight_decay} {batch_size} {max_epochs} {hidden_sizes}
  env: {SLEEP_SCALE: "0.3"}
hpo:
  n_trials: $n
  max_concurrent_jobs: 4
  output_dir: mlp_demo
  seed: 42
  metric: error
  mode: min
YAML

# The campaign, followed live by --watch until nothing is pending or running.
(hpo-sample | hpo-submit --local 2> submit.log) &
submit=$!
first_result() { [ -d mlp_demo/results ] && at_least mlp_demo/results 1; }
wait_until 60 first_result || fail "no result after 60 s: $(cat submit.log)"
timeout 300 hpo-collect --watch 1 --no-slurm mlp_demo > watch.out || fail "hpo-collect --watch: exit $?"
wait "$submit" || fail "hpo-submit failed: $(cat submit.log)"
grep -q "trials/min" watch.out || fail "--watch printed no rate: $(tail -20 watch.out)"
tail -12 watch.out | grep -q "\[#*\] $n/$n 100%  .* done" || fail "--watch did not end on a full bar: $(tail -12 watch.out)"
failed=$(count_files mlp_demo/failed)
[ "$failed" -ge 1 ] || fail "the objective should fail for large lr with batch 32"
[ "$(count_files mlp_demo/results)" -ge $((n / 2)) ] || fail "too few results"

# The Makefile rendered by hpo-collect: report (after collect) and status.
[ -f mlp_demo/Makefile ] || fail "hpo-collect rendered no Makefile"
make -s -C mlp_demo report > make.out 2>&1 || fail "make report: $(cat make.out)"
[ -s mlp_demo/report.html ] || fail "make report wrote no report.html"
make -s -C mlp_demo status > status.out 2>&1 || fail "make status: $(cat status.out)"
grep -q "$n trials: $((n - failed)) finished, 0 running, 0 pending, $failed failed" status.out \
  || fail "make status: $(cat status.out)"
hpo-report --format text mlp_demo > text.out
grep -q "best error" text.out || fail "--format text: $(cat text.out)"
grep -q "the trial command failed: exit code 1" text.out || fail "--format text shows no failure reason: $(cat text.out)"

page="$SCRATCH/mlp_demo/report.html"
size=$(stat -c %s "$page")
note "report.html: $size bytes"
if command -v xmllint >/dev/null; then xmllint --noout "$page" || fail "report.html is not well-formed XML"; fi
if grep -q 'src="http\|href="http\|@import\|url(' "$page"; then fail "the page refers to something outside itself"; fi
if [ "$demo" != 1 ]; then
  grep -q '&lt;b&gt;&amp;amp;&quot;it&#39;s&quot;&lt;/b&gt;' "$page" || fail "the odd parameter name is not escaped"
  if grep -q '<b>' "$page"; then fail "raw markup from a parameter name"; fi
fi

# check_page PAGE PLOT_ID...: the page in headless Chromium. A probe appended to a copy of the
# page records where each <svg> is, and the trials table after one click on its "trial"
# header (the inline sort script at work); then: no console error, the table sorted, and
# each named plot on the screenshot holds drawn data.
probe='<script>(function(){var o=[];document.querySelectorAll("svg").forEach(function(s){var r=s.getBoundingClientRect();o.push([s.id,Math.round(r.left+scrollX),Math.round(r.top+scrollY),Math.round(r.width),Math.round(r.height)].join(","));});document.body.setAttribute("data-svg-rects",o.join(" "));var t=document.getElementById("trials-table");t.tHead.rows[0].cells[0].click();var ids=[];for(var i=0;i<t.tBodies[0].rows.length;i++)ids.push(t.tBodies[0].rows[i].cells[0].textContent);document.body.setAttribute("data-sorted",ids.join(" "));})();</script>'

chrome() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$(mktemp -d "$SCRATCH/chrome.XXXXXX")" \
    --window-size=1280,${CHROME_HEIGHT:-4000} "$@"
}

check_page() {
  local page=$1
  shift
  $PY - "$page" "$SCRATCH/probe.html" "$probe" <<'PYEOF'
import sys
page, out, probe = sys.argv[1:4]
html = open(page, encoding="utf-8").read()
assert html.count("</body>") == 1
open(out, "w", encoding="utf-8").write(html.replace("</body>", probe + "</body>"))
PYEOF
  chrome --enable-logging=stderr --v=0 --screenshot="$SCRATCH/shot.png" "file://$SCRATCH/probe.html" \
    > chrome.out 2> chrome.err || fail "chromium failed: $(tail -5 chrome.err)"
  [ -s shot.png ] || fail "no screenshot: $(tail -5 chrome.err)"
  if grep -E "CONSOLE|Uncaught|SyntaxError|ReferenceError|TypeError" chrome.err; then
    fail "console errors on the page (above)"
  fi
  chrome --dump-dom "file://$SCRATCH/probe.html" > dom.html 2> dom.err || fail "chromium --dump-dom failed"

  $PY - "$SCRATCH/dom.html" "$SCRATCH/shot.png" "$@" <<'PYEOF' || fail "the screenshot check failed (above)"
import re, sys
from PIL import Image
dom = open(sys.argv[1], encoding="utf-8").read()
wanted = sys.argv[3:]
body = re.search(r"<body[^>]*>", dom).group(0)
rects = re.search(r'data-svg-rects="([^"]*)"', body).group(1).split()
ids = [int(v) for v in re.search(r'data-sorted="([^"]*)"', body).group(1).split()]
assert ids == sorted(ids) and len(ids) >= 20, "the trials table did not sort by trial: %s" % ids[:20]
img = Image.open(sys.argv[2]).convert("RGB")
W, H = img.size
checked = []
for r in rects:
    sid, x, y, w, h = r.split(",")
    x, y, w, h = int(x), int(y), int(w), int(h)
    if w < 50 or h < 50 or y + h > H:
        continue  # below the captured window
    box = img.crop((x, y, min(x + w, W), y + h))
    ink = 0
    for (cr, cg, cb) in box.getdata():
        blue = cb > 100 and cb - cr > 40
        red = cr > 150 and cr - cg > 80
        if blue or red:
            ink += 1
    area = box.size[0] * box.size[1]
    print("%-16s %4dx%-4d at y=%-5d coloured pixels: %6d (%.1f%%)" % (sid, w, h, y, ink, 100.0 * ink / area))
    assert ink >= 60, "plot %s looks blank" % sid
    checked.append(sid)
for want in wanted:
    assert want in checked, "plot %s was not found on the screenshot (checked: %s)" % (want, checked)
print("checked %d plots" % len(checked))
PYEOF
}

check_page "$page" hist history-count history-time param-0 parallel timeline
if grep -q 'id="early-stopping"' "$page"; then fail "a campaign without curves or pruner shows early stopping"; fi

if [ -n "${HPO_REPORT_SCREENSHOT:-}" ]; then
  chrome --screenshot="$SCRATCH/page.png" "file://$page" >/dev/null 2>&1 || fail "screenshot of the page"
  $PY - "$SCRATCH/page.png" "$HPO_REPORT_SCREENSHOT" <<'PYEOF'
import sys
from PIL import Image
img = Image.open(sys.argv[1]).convert("RGB")
img.crop((0, 0, img.size[0], 1600)).quantize(colors=128).save(sys.argv[2], optimize=True)
PYEOF
  note "saved $HPO_REPORT_SCREENSHOT"
fi
# A second campaign, of the same space with the ASHA pruner: every trial reports 9 epochs
# to hpo-prune and stops when told. Its page has the learning curves, the rung occupancy and
# the compute saved; the text summary and the status say where the trials stopped.
sed -e 's/^hpo:$/pruner: {kind: asha, max_resource: 9}\nhpo:/' -e 's/output_dir: mlp_demo/output_dir: mlp_pruned/' \
  -e 's/n_trials: [0-9]*/n_trials: 40/' -e 's/SLEEP_SCALE: "0.3"/SLEEP_SCALE: "0.05", PRUNE_EPOCHS: "9"/' \
  hpo.yaml > pruned.yaml
grep -q "^pruner:" pruned.yaml || fail "pruned.yaml: $(cat pruned.yaml)"
hpo-sample -c pruned.yaml | hpo-submit --local -c pruned.yaml 2> submit_pruned.log \
  || fail "hpo-submit (pruned): $(tail -5 submit_pruned.log)"
hpo-collect mlp_pruned > collect_pruned.out || fail "hpo-collect (pruned)"
pruned=$(count_files mlp_pruned/pruned)
[ "$pruned" -ge 10 ] || fail "only $pruned trials pruned: $(cat collect_pruned.out)"
hpo-collect --status --no-slurm mlp_pruned > status_pruned.out
grep -q "failed, $pruned pruned\$" status_pruned.out || fail "--status counts: $(cat status_pruned.out)"
grep -q "^  pruned: $pruned (rung 0 @1: " status_pruned.out || fail "--status per rung: $(cat status_pruned.out)"
hpo-report --format text mlp_pruned > text_pruned.out
grep -q "^  rungs: rung 0 @1: [0-9]* reached, [0-9]* stopped; rung 1 @3: " text_pruned.out \
  || fail "--format text rungs: $(cat text_pruned.out)"
grep -q "^  compute: [0-9.]*% of steps saved: " text_pruned.out || fail "--format text compute: $(cat text_pruned.out)"
hpo-report -q mlp_pruned
ppage="$SCRATCH/mlp_pruned/report.html"
note "report.html of the pruned campaign: $(stat -c %s "$ppage") bytes"
if command -v xmllint >/dev/null; then xmllint --noout "$ppage" || fail "the pruned report is not well-formed XML"; fi
grep -q '<section id="early-stopping"><h2>Learning curves and early stopping</h2>' "$ppage" \
  || fail "no early-stopping section"
grep -q '<div class="k">compute saved</div>' "$ppage" || fail "no compute saved card"
grep -q '<table id="rungs-table">' "$ppage" || fail "no rung table"
grep -q '<td class="st-pruned">pruned</td>' "$ppage" || fail "no pruned trial in the trials table"
CHROME_HEIGHT=3600 check_page "$ppage" curves rungs hist timeline
if [ -n "${HPO_REPORT_PRUNED_SCREENSHOT:-}" ]; then
  cp "$SCRATCH/shot.png" "$HPO_REPORT_PRUNED_SCREENSHOT"
  note "saved $HPO_REPORT_PRUNED_SCREENSHOT"
fi
note "ok"
