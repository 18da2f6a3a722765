// The report page: a synthetic campaign written as a runner would write it, rendered, and
// checked as a reader (a tiny XML well-formedness checker, plus xmllint where installed) and
// as a user (escaping, counts of drawn elements, size at 100k trials).
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "collect.hpp"
#include "process.hpp"
#include "report.hpp"
#include "report_page.hpp"
#include "status.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
namespace fs = hpo::testing::fs;
using hpo::TrialState;
using t::Count;
using t::FixedNow;
using t::kOddReason;
using t::SmallCampaign;
using t::SyntheticCampaign;
using t::XmlProblem;

// The text of the <svg> with this id (empty when absent).
std::string Svg(const std::string& html, const std::string& id) {
  size_t b = html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + id + "\"");
  if (b == std::string::npos) return "";
  return html.substr(b, html.find("</svg>", b) + 6 - b);
}

// The rows of a table's body.
size_t TableRows(const std::string& html, const std::string& id) {
  size_t b = html.find("id=\"" + id + "\"");
  if (b == std::string::npos) return 0;
  size_t body = html.find("<tbody>", b), end = html.find("</tbody>", body);
  return Count(html.substr(body, end - body), "<tr");
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("the report of a small campaign is well-formed and draws every trial") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c.campaign);
    REQUIRE(rows.size() == 19);
    std::string html = hpo::RenderReportHtml(c.campaign, rows, FixedNow());
    CHECK_MESSAGE(XmlProblem(html) == "", XmlProblem(html));

    // Nothing from outside the page.
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("href=\"http") == std::string::npos);
    CHECK(Count(html, "<script>") == 1);

    // Every sampled parameter has its plot, with every finished trial (the best in red).
    for (int j = 0; j < 3; ++j) {
      std::string svg = Svg(html, "param-" + std::to_string(j));
      REQUIRE_MESSAGE(!svg.empty(), "param-" << j);
      CHECK(Count(svg, "<circle class=\"pt\"") == 11);
      CHECK(Count(svg, "<circle class=\"best\"") == 1);
    }
    CHECK(Svg(html, "param-3").empty());  // "fixed" is not sampled
    std::string hist = Svg(html, "hist");
    CHECK(Count(hist, "class=\"bl\"") == 1);
    size_t in_bins = 0;
    for (size_t p = hist.find("trial(s)</title>"); p != std::string::npos;
         p = hist.find("trial(s)</title>", p + 1)) {
      size_t colon = hist.rfind(": ", p);
      in_bins += std::stoul(hist.substr(colon + 2, p - colon - 3));
    }
    CHECK(in_bins == 12);
    std::string hc = Svg(html, "history-count");
    CHECK(Count(hc, "<circle class=\"pt\"") == 12);  // the best once more, on top
    CHECK(Count(hc, "<circle class=\"best\"") == 1);
    CHECK(Count(hc, "class=\"step\"") == 1);
    CHECK(!Svg(html, "history-time").empty());
    // Parallel coordinates: the best 10 (at least top_min), the best one highlighted.
    std::string pc = Svg(html, "parallel");
    CHECK(Count(pc, "<polyline") == 10);
    CHECK(Count(pc, "class=\"pc pb\"") == 1);
    CHECK(pc.find("trial 5, loss&lt;&amp;&gt; = 0.01") != std::string::npos);
    // Timeline: one bar per started trial, coloured by state, in 3 slots.
    std::string tl = Svg(html, "timeline");
    CHECK(Count(tl, "class=\"ok\"") == 12);
    CHECK(Count(tl, "class=\"fail\"") == 3);
    CHECK(Count(tl, "class=\"run\"") == 2);
    CHECK(Count(tl, "<rect") == 12 + 3 + 2 + 1);  // + the frame
    // Tables: every trial; the failures with links to their logs, relative to the page.
    CHECK(TableRows(html, "trials-table") == 19);
    CHECK(TableRows(html, "failures-table") == 3);
    const std::string log = c.campaign.layout().trial_stderr(3).string();
    CHECK(html.find("<a href=\"trials/trial_3/stderr.log\" title=\"" + log + "\">stderr.log</a>") !=
          std::string::npos);
    // Summary figures.
    CHECK(html.find(">max 3<") != std::string::npos);
    CHECK(html.find("trial 5 (minimised)") != std::string::npos);

    if (hpo::FindInPath("xmllint")) {
      auto page = dir.Write("page.xhtml", html);
      t::RunResult r =
          t::RunProgram({"/usr/bin/env", "xmllint", "--noout", page.string()}, dir.path());
      CHECK_MESSAGE(r.exit_code == 0, r.err);
    }
  }

  TEST_CASE("names, values and reasons from the data never come out as markup") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    std::string html = hpo::RenderReportHtml(c.campaign, hpo::ScanCampaign(c.campaign), FixedNow());
    REQUIRE(XmlProblem(html) == "");
    CHECK(html.find("<script>alert") == std::string::npos);
    CHECK(html.find("<b>bold") == std::string::npos);
    CHECK(html.find("x<y") == std::string::npos);
    CHECK(html.find("node<1>") == std::string::npos);
    CHECK(html.find("loss<&>") == std::string::npos);
    CHECK(html.find("λ<&") == std::string::npos);
    // Escaped, including inside SVG <text> and <title>, with unicode as UTF-8.
    const std::string name = "λ&lt;&amp;&quot;&#39;&gt;";
    CHECK(Count(html, "<th>" + name + "</th>") == 1);  // the trials table
    CHECK(html.find(">" + name + " (log) \xc2\xb7 loguniform</text>") !=
          std::string::npos);  // x axis
    CHECK((html.find("<title>" + name + " (log)</title>") != std::string::npos ||
           html.find(">" + name + " (log)</text>") != std::string::npos));  // parallel axis
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK((html.find("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>") != std::string::npos ||
           html.find(">&lt;script&gt;alert(1)&lt;/script&gt;</text>") != std::string::npos));
    CHECK(html.find(">ünï</text>") != std::string::npos);  // a category label on an axis
    CHECK(html.find("a&amp;b") != std::string::npos);
    CHECK(html.find("x&lt;y") != std::string::npos);  // a fixed value
    CHECK(html.find("node&lt;1&gt;") != std::string::npos);
    const std::string reason =
        "boom &lt;b&gt;bold&lt;/b&gt; &amp; &#39;single&#39; &quot;double&quot; λ";
    CHECK(html.find("<code>" + reason + " (see ") != std::string::npos);  // the failures table
    CHECK(Count(html, ": " + reason + " (see ") == 3);                    // the timeline tooltips
    CHECK(Count(html, "<td><code>" + reason + "</code></td>") == 1);     // grouped causes
    CHECK(html.find("<th>loss&lt;&amp;&gt;</th>") != std::string::npos);
    CHECK(html.find(">loss&lt;&amp;&gt;</text>") != std::string::npos);
  }

  TEST_CASE("above max_points, scatter plots become densities and the timeline an area chart") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    hpo::ReportOptions opt = FixedNow();
    opt.max_points = 5;
    std::string html = hpo::RenderReportHtml(c.campaign, hpo::ScanCampaign(c.campaign), opt);
    CHECK(XmlProblem(html) == "");
    std::string p0 = Svg(html, "param-0");
    CHECK(Count(p0, "<circle class=\"pt\"") == 0);
    CHECK(Count(p0, "<g class=\"density\">") == 1);
    CHECK(Count(p0, "<circle class=\"best\"") == 1);
    size_t cells = 0;
    for (int level = 1; level <= 16; ++level)
      cells += Count(p0, "class=\"d" + std::to_string(level) + "\"");
    CHECK(cells >= 1);
    CHECK(cells <= 12);
    std::string tl = Svg(html, "timeline");
    CHECK(Count(tl, "class=\"area\"") == 1);
    CHECK(Count(tl, "class=\"ok\"") == 0);
    CHECK(Count(tl, "class=\"fail\"") >= 1);
    CHECK(html.find("binned densities") != std::string::npos);
  }

  TEST_CASE("metrics near the ends of the double range give finite bins, ticks and positions") {
    // high - low overflowed: the histogram read "[nan, nan)" and points were placed at NaN.
    const std::vector<std::vector<double>> sets = {
        {-1.7e308, 1.7e308, 0.0, 1.0},
        {-1.7976931348623157e308, 1.7976931348623157e308},
        {1.7e308, 1.7e308},
        {-1.7976931348623157e308, -1.7976931348623157e308, -1.0e308},
        {1.0e308, 1.7e308, 1.5e308}};
    for (const auto& metrics : sets) {
      CAPTURE(metrics.front());
      CAPTURE(metrics.back());
      t::ScratchDir dir;
      SyntheticCampaign c(dir);
      for (size_t i = 0; i < metrics.size(); ++i)
        c.Finished(static_cast<int>(i), metrics[i], 1.7e9 + i, 1.7e9 + i + 1);
      std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c.campaign);
      std::string html = hpo::RenderReportHtml(c.campaign, rows, FixedNow());
      CHECK_MESSAGE(XmlProblem(html) == "", XmlProblem(html));
      std::string hist = Svg(html, "hist");
      REQUIRE_FALSE(hist.empty());
      CAPTURE(hist.substr(0, 3000));
      for (const char* bad : {"nan", "inf", "NaN"}) {
        CAPTURE(bad);
        CHECK(hist.find(bad) == std::string::npos);
        for (int j = 0; j < 3; ++j)
          CHECK(Svg(html, "param-" + std::to_string(j)).find(bad) == std::string::npos);
      }
      CHECK(Count(hist, "class=\"bin\"") >= 1);
      CHECK(hist.find("<title>[") != std::string::npos);
    }
  }

  TEST_CASE("an empty campaign still renders a valid page") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    c.Pending(0);
    std::string html = hpo::RenderReportHtml(c.campaign, hpo::ScanCampaign(c.campaign), FixedNow());
    CHECK(XmlProblem(html) == "");
    CHECK(html.find("No finished trial yet") != std::string::npos);
    CHECK(TableRows(html, "trials-table") == 1);
    std::string text = hpo::RenderReportText(c.campaign, hpo::ScanCampaign(c.campaign), FixedNow());
    CHECK(text.find("no finished trial yet") != std::string::npos);
  }

  TEST_CASE("with no finished trial, times count from the failed attempts and the timeline shows them") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    const double t0 = 1.7e9;
    for (int i = 0; i < 4; ++i) c.Cancelled(i, t0 + 10 * i, "epoch " + std::to_string(i));
    c.Pending(4);
    std::string html = hpo::RenderReportHtml(c.campaign, hpo::ScanCampaign(c.campaign), FixedNow());
    CHECK_MESSAGE(XmlProblem(html) == "", XmlProblem(html));
    CHECK(html.find("No trial has recorded start and end times yet") == std::string::npos);
    CHECK_FALSE(Svg(html, "timeline").empty());
    CHECK(Count(Svg(html, "timeline"), "class=\"fail\"") == 4);
    // Start times are offsets from the first start, not from 1970.
    CHECK(html.find(">30s<") != std::string::npos);
    CHECK(html.find("19675d") == std::string::npos);
  }

  TEST_CASE("failures are grouped by cause with their trial ids and the last lines of stderr") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    const double t0 = 1.7e9;
    for (int i = 0; i < 4; ++i) c.Cancelled(i, t0 + 10 * i, i == 3 ? "Killed <9>" : "epoch");
    c.Failed(4, t0, t0 + 5);
    auto rows = hpo::ScanCampaign(c.campaign);
    std::string html = hpo::RenderReportHtml(c.campaign, rows, FixedNow());
    CHECK_MESSAGE(XmlProblem(html) == "", XmlProblem(html));
    CHECK(TableRows(html, "failure-causes") == 2);
    CHECK(html.find("CANCELLED (None): SLURM job N ended before the trial recorded a result") !=
          std::string::npos);
    CHECK(html.find("\xc3\x97" "4") != std::string::npos);  // ×4
    CHECK(html.find("0, 1, 2, 3") != std::string::npos);
    CHECK(html.find("Killed &lt;9&gt;") != std::string::npos);
    CHECK(TableRows(html, "failures-table") == 5);
    std::string text = hpo::RenderReportText(c.campaign, rows, FixedNow());
    CHECK(text.find("4 x CANCELLED (None): SLURM job N ended before the trial recorded a result "
                    "(trials 0, 1, 2, 3)\n      | Killed <9>\n") != std::string::npos);
    std::string status = hpo::FormatStatus(c.campaign, rows, t0 + 100, std::nullopt, {});
    CHECK(status.find("  failures:\n    4 x CANCELLED (None): SLURM job N ended before the trial "
                      "recorded a result (trials 0, 1, 2, 3)\n      | Killed <9>\n") !=
          std::string::npos);
  }

  TEST_CASE("the page for 100,000 trials stays under 5 MB and well-formed") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    const auto& L = c.campaign.layout();
    std::vector<hpo::TrialRow> rows;
    rows.reserve(100000);
    const double t0 = 1.7e9;
    for (int i = 0; i < 100000; ++i) {
      hpo::TrialRow r;
      r.id = i;
      r.config = c.Config(i).dump();
      double start = t0 + 3.0 * (i / 64) + (i % 64) * 0.01, end = start + 2.5 + (i % 7) * 0.1;
      r.info.start_time = start;
      r.info.end_time = end;
      r.info.host = "node" + std::to_string(i % 64);
      r.info.training_time = end - start;
      if (i % 50 == 7) {
        r.state = TrialState::kFailed;
        r.reason = kOddReason + " (see " + L.trial_stderr(i).string() + ")";
      } else {
        r.state = TrialState::kFinished;
        r.metric = 0.05 + std::fmod(i * 0.6180339887, 1.0) * 0.5 + (i == 4242 ? -0.04 : 0);
      }
      rows.push_back(std::move(r));
    }
    std::string html = hpo::RenderReportHtml(c.campaign, rows, FixedNow());
    MESSAGE("page for 100,000 trials: " << html.size() << " bytes");
    CHECK(html.size() < 5u * 1000 * 1000);
    CHECK(XmlProblem(html) == "");
    CHECK(TableRows(html, "trials-table") == 2000);
    CHECK(html.find("Showing the best 2000 of 100000 trials") != std::string::npos);
    CHECK(TableRows(html, "failures-table") == 1000);
    CHECK(Count(html, "<circle class=\"pt\"") == 0);
    CHECK(Count(Svg(html, "timeline"), "class=\"area\"") == 1);
    CHECK(Count(Svg(html, "parallel"), "<polyline") == 200);
    CHECK(html.find("trial 4242") != std::string::npos);
  }

}  // TEST_SUITE("unit")

TEST_SUITE("unit") {
  TEST_CASE("a campaign with pruned trials shows its curves, rungs, compute saved and stops") {
    t::ScratchDir dir;
    SyntheticCampaign c = t::PrunedCampaign(dir);
    std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c.campaign);
    REQUIRE(rows.size() == 20);
    std::string html = hpo::RenderReportHtml(c.campaign, rows, FixedNow());
    CHECK_MESSAGE(XmlProblem(html) == "", XmlProblem(html));
    CHECK(Count(html,
                "<section id=\"early-stopping\"><h2>Learning curves and early stopping</h2>") == 1);
    CHECK(html.find(".lcf,") != std::string::npos);  // its style
    CHECK(html.find("Pruner: ASHA, rungs at steps 1, 3 (min_resource 1, reduction_factor 3, "
                    "max_resource 9, min_trials 1).") != std::string::npos);
    // The cards: pruned, compute saved (3 x 9 + 7 x 1 + 5 x 3 = 49 of 15 x 9 = 135 steps).
    CHECK(html.find("<div class=\"k\">pruned</div><div class=\"v\">12</div><div class=\"s\">of 16 "
                    "ended trials</div>") != std::string::npos);
    CHECK(html.find("<div class=\"v\">63.7%</div><div class=\"s\">86 of 135 steps</div>") !=
          std::string::npos);
    CHECK(html.find("<div class=\"k\">steps run</div><div class=\"v\">49</div>") !=
          std::string::npos);
    // The summary counts them too, once.
    CHECK(Count(html, "<div class=\"k\">pruned</div>") == 2);
    // The plots: every started trial's curve, the rungs.
    CHECK(Count(Svg(html, "curves"), "<path") == 18);
    CHECK(Count(Svg(html, "rungs"), "class=\"rs\"") == 2);
    CHECK(TableRows(html, "rungs-table") == 3);
    CHECK(html.find("<td>rung 0</td><td class=\"n\" data-v=\"1.0\">1</td><td class=\"n\" "
                    "data-v=\"18\">18</td><td class=\"n\" data-v=\"7\">7</td><td class=\"n\" "
                    "data-v=\"11\">11</td>") != std::string::npos);
    // The trials table: every trial, pruned ones after the finished, furthest first, with
    // where they stopped.
    CHECK(TableRows(html, "trials-table") == 20);
    CHECK(html.find("<th>stopped at</th>") != std::string::npos);
    CHECK(Count(html, "<td class=\"st-pruned\">pruned</td>") == 12);
    CHECK(Count(html, ">step 3 (rung 1 @3)</td>") == 5);
    CHECK(Count(html, ">step 1 (rung 0 @1)</td>") == 7);
    size_t table = html.find("id=\"trials-table\"");
    size_t last_finished = html.rfind("st-finished", html.find("st-pruned", table));
    CHECK(html.find("st-finished", html.find("st-pruned", table)) == std::string::npos);
    CHECK(last_finished > table);
    CHECK(html.find("rung 1 @3", table) < html.find("rung 0 @1", table));
    // The timeline and the best-so-far curves count them.
    std::string tl = Svg(html, "timeline");
    CHECK(Count(tl, "class=\"prn\"") == 12);
    CHECK(tl.find("grey pruned") != std::string::npos);
    CHECK(Svg(html, "history-count").find("finished, pruned or failed") != std::string::npos);
  }

  TEST_CASE("the page of a campaign without curves or pruner has no early stopping") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    std::string html = hpo::RenderReportHtml(c.campaign, hpo::ScanCampaign(c.campaign), FixedNow());
    CHECK(html.find("early-stopping") == std::string::npos);
    CHECK(html.find(".lcf") == std::string::npos);
    CHECK(html.find(">pruned<") == std::string::npos);
    CHECK(html.find("stopped at") == std::string::npos);
    CHECK(Svg(html, "timeline").find("pruned") == std::string::npos);
    CHECK(Svg(html, "history-count").find("(finished or failed, by end time)") !=
          std::string::npos);
  }

  TEST_CASE("learning curves without a pruner: the curves, no rungs, no compute saved") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    for (int i = 0; i < 4; ++i) {
      c.Finished(i, 0.1 * i, 1.7e9 + i, 1.7e9 + i + 1);
      c.Curve(i, {{1, 1.0}, {2, 0.5 + 0.1 * i}, {3, 0.1 * i}});
    }
    std::string html = hpo::RenderReportHtml(c.campaign, hpo::ScanCampaign(c.campaign), FixedNow());
    CHECK_MESSAGE(XmlProblem(html) == "", XmlProblem(html));
    CHECK(html.find("<section id=\"early-stopping\">") != std::string::npos);
    CHECK(html.find("No pruner: the learning curves as the trials reported them.") !=
          std::string::npos);
    CHECK(Count(Svg(html, "curves"), "<path") == 4);
    CHECK(Svg(html, "rungs").empty());
    CHECK(html.find("compute saved") == std::string::npos);
    CHECK(html.find("stopped at") == std::string::npos);
    CHECK(html.find(">pruned<") == std::string::npos);
    CHECK(Count(Svg(html, "curves"), "class=\"rg\"") == 0);
  }

  TEST_CASE("the early-stopping section of 10,000 trials with curves stays small") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir, "pruner: {kind: asha, max_resource: 27}\n");
    std::vector<hpo::TrialRow> rows;
    const int n = 10000;
    rows.reserve(n);
    const double t0 = 1.7e9;
    // Rungs at 1, 3, 9 of 27: two thirds stop at each, the rest finish.
    for (int i = 0; i < n; ++i) {
      hpo::TrialRow r;
      r.id = i;
      r.config = c.Config(i).dump();
      r.info.start_time = t0 + i;
      r.info.end_time = t0 + i + 1;
      double x = std::fmod(i * 0.6180339887, 1.0);
      int steps = i % 3 ? 1 : i % 9 ? 3 : i % 27 ? 9 : 27;
      std::vector<std::pair<double, double>> curve;
      for (int s = 1; s <= steps; ++s) curve.push_back({s, 0.05 + 0.5 * x + 1.0 / s});
      c.Curve(i, curve);
      r.metric = curve.back().second;
      if (steps == 27) {
        r.state = TrialState::kFinished;
      } else {
        r.state = TrialState::kPruned;
        r.pruned_step = steps;
        r.pruned_rung = steps == 1 ? 0 : steps == 3 ? 1 : 2;
      }
      rows.push_back(std::move(r));
    }
    hpo::ReportOptions opt = FixedNow();
    std::string html = hpo::RenderReportHtml(c.campaign, rows, opt);
    size_t b = html.find("<section id=\"early-stopping\">");
    REQUIRE(b != std::string::npos);
    size_t section = html.find("</section>", b) - b;
    MESSAGE("page for 10,000 trials with curves: " << html.size()
                                                   << " bytes, of which the early-"
                                                      "stopping section "
                                                   << section << " bytes");
    CHECK(section < 150u * 1000);
    CHECK(XmlProblem(html) == "");
    std::string curves = Svg(html, "curves");
    CHECK(curves.find("(densities, darker where more curves cross") != std::string::npos);
    CHECK(Count(curves, "<path class=\"lcb\"") == 1);
    CHECK(html.find("More than 400 learning curves") != std::string::npos);
    CHECK(Count(html, ">step 9 (rung 2 @9)</td>") > 0);
  }

}  // TEST_SUITE("unit")
