// The report page and the live status: a synthetic campaign written as a runner would write
// it, rendered, and checked as a reader (a tiny XML well-formedness checker, plus xmllint
// where installed) and as a user (escaping, counts of drawn elements, size at 100k trials).
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "collect.hpp"
#include "config.hpp"
#include "process.hpp"
#include "report.hpp"
#include "status.hpp"
#include "testing.hpp"

namespace {

using namespace hpo::testing::names;

// A space and a metric whose names and values need escaping everywhere they appear.
constexpr const char* kOddConfig = R"(space:
  "λ<&\"'>": {loguniform: [1.0e-4, 1.0e-1]}
  kind: ["<script>alert(1)</script>", "a&b", "plain", "ünï"]
  n: {randint: [1, 8]}
  fixed: "x<y"
trial:
  command: echo {trial_id}
hpo:
  n_trials: 20
  max_concurrent_jobs: 3
  output_dir: camp
  metric: "loss<&>"
  mode: min
  seed: 1
)";

const char* const kKinds[] = {"<script>alert(1)</script>", "a&b", "plain", "ünï"};
const std::string kOddReason = "boom <b>bold</b> & 'single' \"double\" λ";

// Writes trial records the way hpo-run does (campaign.Write into the state folder).
struct SyntheticCampaign {
  explicit SyntheticCampaign(const t::ScratchDir& dir, const std::string& config_text = kOddConfig)
      : campaign(hpo::Campaign::Create(hpo::ParseConfig(config_text, "test.yaml"), dir / "camp",
                                       dir.path(), hpo::Force::kNo)) {}

  json Config(int i) const {
    return {{"λ<&\"'>", 1e-4 * std::pow(10, 3.0 * ((i * 37) % 100) / 100.0)},
            {"kind", kKinds[i % 4]},
            {"n", 1 + i % 8},
            {"fixed", "x<y"}};
  }
  void Finished(int i, double metric, double start, double end) {
    const auto& L = campaign.layout();
    Record r = {{"trial_id", i},
                {"state", "finished"},
                {"config", Config(i)},
                {"attempt", 1},
                {"history", json::array()},
                {campaign.config().hpo.metric, metric},
                {"additional_info",
                 {{"start_time", start},
                  {"end_time", end},
                  {"training_time", end - start},
                  {"host", "node<1>"},
                  {"exit_code", 0},
                  {"stdout", L.trial_stdout(i).string()},
                  {"stderr", L.trial_stderr(i).string()}}}};
    campaign.Write(TrialState::kFinished, i, r);
  }
  void Failed(int i, double start, double end) {
    const auto& L = campaign.layout();
    Record r = {{"trial_id", i},
                {"state", "failed"},
                {"config", Config(i)},
                {"attempt", 1},
                {"reason", kOddReason + " (see " + L.trial_stderr(i).string() + ")"},
                {"history", json::array()},
                {"additional_info",
                 {{"start_time", start},
                  {"end_time", end},
                  {"host", "node2"},
                  {"exit_code", 1},
                  {"stdout", L.trial_stdout(i).string()},
                  {"stderr", L.trial_stderr(i).string()}}}};
    campaign.Write(TrialState::kFailed, i, r);
  }
  void Running(int i, double start) {
    Record r = {{"trial_id", i},
                {"state", "running"},
                {"config", Config(i)},
                {"attempt", 1},
                {"history", json::array()},
                {"runner",
                 {{"host", "node3"},
                  {"pid", 999999},
                  {"start_time", start},
                  {"slurm_job_id", "77_" + std::to_string(i)}}}};
    campaign.Write(TrialState::kRunning, i, r);
  }
  void Pending(int i) { campaign.AddPending(i, Config(i)); }
  // As hpo-collect settled a trial whose job SLURM cancelled, before it recorded an end time.
  void Cancelled(int i, double start, const std::string& tail) {
    Record r = {{"trial_id", i},
                {"state", "failed"},
                {"config", Config(i)},
                {"attempt", 1},
                {"reason", "CANCELLED (None): SLURM job 77_" + std::to_string(i) +
                               " ended before the trial recorded a result"},
                {"stderr_tail", tail},
                {"history", json::array()},
                {"additional_info",
                 {{"start_time", start}, {"host", "node3"}, {"slurm_job_id", "77_" + std::to_string(i)}}}};
    campaign.Write(TrialState::kFailed, i, r);
  }

  hpo::Campaign campaign;
};

// 12 finished (trial 5 the best), 3 failed, 2 running, 2 pending; at most 3 at once.
SyntheticCampaign SmallCampaign(const t::ScratchDir& dir) {
  SyntheticCampaign c(dir);
  const double t0 = 1.7e9;
  int k = 0;
  for (int i = 0; i < 15; ++i) {
    double start = t0 + 10.0 * (k / 3), end = start + 9;  // three slots
    ++k;
    if (i == 3 || i == 8 || i == 11)
      c.Failed(i, start, end);
    else
      c.Finished(i, i == 5 ? 0.01 : 0.5 + 0.03 * i, start, end);
  }
  c.Running(15, t0 + 50);
  c.Running(16, t0 + 52);
  c.Pending(17);
  c.Pending(18);
  return c;
}

// ---------------------------------------------------------------------------------------
// A small XML well-formedness checker: tags balance, attributes are quoted, '<' and '&'
// appear in text and attributes only as markup or as one of XML's entities.
std::string XmlProblem(const std::string& s) {
  std::vector<std::string> stack;
  size_t i = 0, n = s.size();
  auto at = [&](size_t p) { return "at offset " + std::to_string(p) + ": " + s.substr(p, 60); };
  auto check_entity = [&](size_t p) -> size_t {  // returns the length of a valid reference
    size_t semi = s.find(';', p);
    if (semi == std::string::npos || semi - p > 10) return 0;
    std::string name = s.substr(p + 1, semi - p - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos")
      return semi - p + 1;
    if (name.size() > 1 && name[0] == '#') {
      bool hex = name[1] == 'x';
      std::string digits = name.substr(hex ? 2 : 1);
      if (digits.empty()) return 0;
      for (char c : digits)
        if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
                  : std::isdigit(static_cast<unsigned char>(c))))
          return 0;
      return semi - p + 1;
    }
    return 0;
  };
  auto is_name = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
           c == '.';
  };
  bool seen_root = false;
  while (i < n) {
    if (s[i] == '&') {
      size_t len = check_entity(i);
      if (!len) return "bad entity " + at(i);
      i += len;
      continue;
    }
    if (s[i] != '<') {
      if (s.compare(i, 3, "]]>") == 0) return "stray ]]> " + at(i);
      ++i;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      size_t e = s.find("-->", i + 4);
      if (e == std::string::npos) return "unclosed comment " + at(i);
      i = e + 3;
    } else if (s.compare(i, 9, "<![CDATA[") == 0) {
      size_t e = s.find("]]>", i + 9);
      if (e == std::string::npos) return "unclosed CDATA " + at(i);
      i = e + 3;
    } else if (s.compare(i, 9, "<!DOCTYPE") == 0) {
      if (seen_root) return "DOCTYPE after the root " + at(i);
      size_t e = s.find('>', i);
      if (e == std::string::npos) return "unclosed DOCTYPE";
      i = e + 1;
    } else if (s.compare(i, 2, "</") == 0) {
      size_t p = i + 2, b = p;
      while (p < n && is_name(s[p])) ++p;
      std::string name = s.substr(b, p - b);
      while (p < n && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
      if (p >= n || s[p] != '>') return "bad end tag " + at(i);
      if (stack.empty() || stack.back() != name)
        return "end tag </" + name + "> does not match <" + (stack.empty() ? "" : stack.back()) +
               "> " + at(i);
      stack.pop_back();
      i = p + 1;
    } else {
      size_t p = i + 1, b = p;
      while (p < n && is_name(s[p])) ++p;
      std::string name = s.substr(b, p - b);
      if (name.empty()) return "raw '<' in text " + at(i);
      if (stack.empty() && seen_root) return "second root element " + at(i);
      seen_root = true;
      std::map<std::string, int> attrs;
      while (true) {
        size_t ws = p;
        while (p < n && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
        if (p >= n) return "unclosed tag " + at(i);
        if (s[p] == '>') {
          stack.push_back(name);
          i = p + 1;
          break;
        }
        if (s.compare(p, 2, "/>") == 0) {
          i = p + 2;
          break;
        }
        if (ws == p) return "attributes not separated " + at(p);
        size_t ab = p;
        while (p < n && is_name(s[p])) ++p;
        std::string attr = s.substr(ab, p - ab);
        if (attr.empty() || p >= n || s[p] != '=') return "bad attribute " + at(ab);
        if (attrs[attr]++) return "duplicate attribute " + attr + " " + at(ab);
        ++p;
        if (p >= n || (s[p] != '"' && s[p] != '\'')) return "unquoted attribute " + at(ab);
        char q = s[p++];
        while (p < n && s[p] != q) {
          if (s[p] == '<') return "'<' in an attribute " + at(ab);
          if (s[p] == '&') {
            size_t len = check_entity(p);
            if (!len) return "bad entity in an attribute " + at(p);
            p += len;
          } else {
            ++p;
          }
        }
        if (p >= n) return "unterminated attribute " + at(ab);
        ++p;
      }
    }
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (!seen_root) return "no root element";
  return "";
}

// The text of the <svg> with this id (empty when absent).
std::string Svg(const std::string& html, const std::string& id) {
  size_t b = html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + id + "\"");
  if (b == std::string::npos) return "";
  return html.substr(b, html.find("</svg>", b) + 6 - b);
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t k = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size()))
    ++k;
  return k;
}

// The rows of a table's body.
size_t TableRows(const std::string& html, const std::string& id) {
  size_t b = html.find("id=\"" + id + "\"");
  if (b == std::string::npos) return 0;
  size_t body = html.find("<tbody>", b), end = html.find("</tbody>", body);
  return Count(html.substr(body, end - body), "<tr");
}

hpo::ReportOptions FixedNow() {
  hpo::ReportOptions o;
  o.now = 1.7e9 + 60;
  return o;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("html escaping covers the five characters and keeps unicode") {
    CHECK(hpo::HtmlEscape("<a href='x'>&\"</a>") ==
          "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    CHECK(hpo::HtmlEscape("λ ünï 日本 🙂") == "λ ünï 日本 🙂");
    CHECK(hpo::HtmlEscape("&amp;") == "&amp;amp;");
    // What XML cannot carry becomes U+FFFD, so the page stays well-formed whatever the data.
    CHECK(hpo::HtmlEscape(std::string("a\x01"
                                      "b")) ==
          "a\xef\xbf\xbd"
          "b");
    CHECK(hpo::HtmlEscape("tab\tnew\nline") == "tab\tnew\nline");
    CHECK(hpo::HtmlEscape("bad \xff byte") == "bad \xef\xbf\xbd byte");
    CHECK(hpo::HtmlEscape("cut \xce") == "cut \xef\xbf\xbd");
    CHECK(hpo::HtmlEscape("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");  // overlong '/'
  }

  TEST_CASE("concurrency and greedy slots from run intervals") {
    std::vector<hpo::Interval> iv = {{0, 10}, {5, 15}, {10, 20}, {12, 13}};
    hpo::Concurrency c = hpo::MeasureConcurrency(iv);
    CHECK(c.max == 3);
    CHECK(c.first == 0);
    CHECK(c.last == 20);
    CHECK(c.mean == doctest::Approx((10 + 10 + 10 + 1) / 20.0));
    CHECK(hpo::AssignSlots(iv) == std::vector<int>{0, 1, 0, 2});
    // Touching intervals share a slot and never count as overlapping.
    std::vector<hpo::Interval> chain = {{0, 1}, {1, 2}, {2, 3}};
    CHECK(hpo::MeasureConcurrency(chain).max == 1);
    CHECK(hpo::AssignSlots(chain) == std::vector<int>{0, 0, 0});
    CHECK(hpo::MeasureConcurrency({}).max == 0);
  }

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

  TEST_CASE("the text summary names counts, best trial, concurrency and reasons") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    std::string text = hpo::RenderReportText(c.campaign, hpo::ScanCampaign(c.campaign), FixedNow());
    CHECK(text.find("19 trials: 12 finished, 2 running, 2 pending, 3 failed") != std::string::npos);
    CHECK(text.find("best loss<&> 0.01 (trial 5, minimised)") != std::string::npos);
    CHECK(text.find("running at once: max 3") != std::string::npos);
    CHECK(text.find("3 x " + kOddReason + " (trials ") != std::string::npos);  // log paths removed
  }

  TEST_CASE("status shows progress, rate, ETA and the longest-running trials") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    const double t0 = 1.7e9;
    for (int i = 0; i < 10; ++i) c.Finished(i, 1.0 - 0.01 * i, t0 + 10 * i - 5, t0 + 10 * i);
    c.Running(10, t0 + 30);
    c.Running(11, t0 + 80);
    for (int i = 12; i < 15; ++i) c.Pending(i);
    auto rows = hpo::ScanCampaign(c.campaign);
    // 10 completions 90 s apart from first to last: 9 intervals in 90 s, i.e. 6/min; 5 remain.
    hpo::Progress p = hpo::MeasureProgress(rows, t0 + 90, 20);
    CHECK(p.done == 10);
    CHECK(p.total == 15);
    REQUIRE(p.per_minute);
    CHECK(*p.per_minute == doctest::Approx(6.0));
    REQUIRE(p.eta_seconds);
    CHECK(*p.eta_seconds == doctest::Approx(50.0));
    // A stall lowers the rate: the time since the last completion counts.
    CHECK(*hpo::MeasureProgress(rows, t0 + 180, 20).per_minute == doctest::Approx(3.0));
    // Over the last 5 completions only.
    CHECK(*hpo::MeasureProgress(rows, t0 + 90, 5).per_minute == doctest::Approx(6.0));

    hpo::StatusOptions so;
    so.bar_width = 20;
    std::map<std::string, hpo::JobState> jobs = {{"77_10", {"RUNNING", ""}}};
    std::string s = hpo::FormatStatus(c.campaign, rows, t0 + 90, jobs, so);
    CHECK(s.find("15 trials: 10 finished, 2 running, 3 pending, 0 failed") != std::string::npos);
    CHECK(s.find("[#############.......] 10/15  67%  6 trials/min (last 10)  ETA 50 s") !=
          std::string::npos);
    CHECK(s.find("best loss<&> 0.91 (trial 9)") != std::string::npos);
    size_t first = s.find("trial 10"), second = s.find("trial 11");
    REQUIRE(first != std::string::npos);
    REQUIRE(second != std::string::npos);
    CHECK(first < second);  // longest running first
    CHECK(s.find("node3  job 77_10 (RUNNING)  1 min 00 s") != std::string::npos);
    CHECK(s.find("job 77_11  10 s") != std::string::npos);
  }

  TEST_CASE("the campaign Makefile is rendered once with quoted tool paths") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    fs::path tools = dir / "my tools $HOME";
    hpo::EnsureCampaignMakefile(c.campaign, tools.string());
    fs::path mk = c.campaign.layout().makefile();
    std::string text = t::ReadText(mk);
    CHECK(text.find("HPO_REPORT ?= '" + (dir.path() / "my tools $$HOME").string() +
                    "/hpo-report'") != std::string::npos);
    // make expands it back to the shell-quoted path.
    if (hpo::FindInPath("make")) {
      t::RunResult r = t::RunProgram(
          {"/usr/bin/env", "make", "-n", "-C", c.campaign.layout().root().string(), "report"},
          dir.path());
      CHECK_MESSAGE(r.exit_code == 0, r.err);
      CHECK(r.out.find("'" + tools.string() + "/hpo-collect' .\n") != std::string::npos);
      CHECK(r.out.find("'" + tools.string() + "/hpo-report' .\n") != std::string::npos);
    }
    // A user's Makefile is kept.
    t::WriteText(mk, "# mine\n");
    hpo::EnsureCampaignMakefile(c.campaign, "/elsewhere");
    CHECK(t::ReadText(mk) == "# mine\n");
  }

  TEST_CASE("hpo-report writes the page and the Makefile; --format text writes nothing") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    std::string root = c.campaign.layout().root().string();
    t::RunResult text =
        t::RunProgram({t::ToolPath("hpo-report").string(), "--format", "text", root}, dir.path());
    CHECK_MESSAGE(text.exit_code == 0, text.err);
    CHECK(text.out.find("12 finished") != std::string::npos);
    CHECK(!fs::exists(c.campaign.layout().report_html()));

    t::RunResult r = t::RunProgram({t::ToolPath("hpo-report").string(), "camp"}, dir.path());
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == c.campaign.layout().report_html().string() + "\n");
    std::string html = t::ReadText(c.campaign.layout().report_html());
    CHECK(XmlProblem(html) == "");
    CHECK(html.find("<h1>hpo report: camp</h1>") != std::string::npos);
    CHECK(fs::exists(c.campaign.layout().makefile()));
    CHECK(t::ListDir(c.campaign.layout().tmp_dir()).empty());

    t::RunResult o = t::RunProgram(
        {t::ToolPath("hpo-report").string(), "-o", (dir / "elsewhere.html").string(), root},
        dir.path());
    CHECK_MESSAGE(o.exit_code == 0, o.err);
    CHECK(
        t::ReadText(dir / "elsewhere.html").find("file://" + root + "/trials/trial_3/stderr.log") !=
        std::string::npos);

    t::RunResult bad =
        t::RunProgram({t::ToolPath("hpo-report").string(), "--format", "pdf", root}, dir.path());
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.rfind("hpo-report: error: --format pdf", 0) == 0);
    t::RunResult none =
        t::RunProgram({t::ToolPath("hpo-report").string(), (dir / "nope").string()}, dir.path());
    CHECK(none.exit_code == 2);
    CHECK(none.err.rfind("hpo-report: error: ", 0) == 0);
    t::RunResult help = t::RunProgram({t::ToolPath("hpo-report").string(), "--help"}, dir.path());
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("hpo-report --format text") != std::string::npos);
  }

  TEST_CASE("hpo-report refuses to write its page over the campaign's records and own files") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    const hpo::Layout& L = c.campaign.layout();
    fs::create_symlink(L.root(), dir / "alias");
    fs::create_directories(dir / "sub");
    std::map<std::string, std::string> before;
    for (fs::recursive_directory_iterator it(L.root()), end; it != end; ++it)
      if (fs::is_regular_file(it->symlink_status())) before[it->path().string()] = t::ReadText(it->path());
    const std::string targets[] = {
        (L.root() / "results" / "trial_0.json").string(),
        (L.root() / "campaign.yaml").string(),
        (L.root() / "campaign.json").string(),
        (L.root() / "final_results.json").string(),
        (L.root() / "best_config.json").string(),
        (L.root() / "results.csv").string(),
        (L.root() / "Makefile").string(),
        (L.root() / "pending" / "new.html").string(),
        (L.root() / "tmp" / "page.html").string(),
        (L.root() / ".index" / "page.html").string(),
        (L.root() / "trials" / "trial_0" / "result.json").string(),
        (L.root() / "slurm").string(),
        (dir / "alias" / "campaign.yaml").string(),         // through a symlink
        (dir / "sub" / ".." / "camp" / "results" / "trial_1.json").string(),  // through ..
        "camp/./failed/x.html",
    };
    for (const auto& target : targets) {
      CAPTURE(target);
      t::RunResult r = t::RunProgram(
          {t::ToolPath("hpo-report").string(), "-o", target, L.root().string()}, dir.path());
      CHECK(r.exit_code == 2);
      CHECK(r.err.rfind("hpo-report: error: ", 0) == 0);
      CHECK(r.err.find("campaign") != std::string::npos);
    }
    for (const auto& [path, text] : before) {
      CAPTURE(path);
      CHECK(t::ReadText(path) == text);
    }
    // Anywhere else in the campaign directory is fine.
    t::RunResult ok = t::RunProgram(
        {t::ToolPath("hpo-report").string(), "-o", (L.root() / "other.html").string(), "camp"}, dir.path());
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(fs::exists(L.root() / "other.html"));
  }

  TEST_CASE("hpo-collect --status prints once; --watch stops when nothing is left to run") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    for (int i = 0; i < 4; ++i) c.Finished(i, 0.5 - 0.1 * i, 1.7e9 + i, 1.7e9 + i + 1);
    std::string root = c.campaign.layout().root().string();
    t::RunResult s = t::RunProgram(
        {t::ToolPath("hpo-collect").string(), "--status", "--no-slurm", root}, dir.path());
    CHECK_MESSAGE(s.exit_code == 0, s.err);
    CHECK(s.out.find("4/4 100%") != std::string::npos);
    CHECK(s.out.find("done") != std::string::npos);
    CHECK(!fs::exists(c.campaign.layout().final_results()));  // --status settles and writes nothing
    CHECK(fs::exists(c.campaign.layout().makefile()));
    t::RunResult w = t::RunProgram(
        {t::ToolPath("hpo-collect").string(), "--watch", "5", "--no-slurm", root}, dir.path());
    CHECK_MESSAGE(w.exit_code == 0, w.err);
    CHECK(w.out.find("\033[") == std::string::npos);  // not a terminal: no ANSI
    CHECK(Count(w.out, "4 trials: 4 finished") == 1);
    t::RunResult bad =
        t::RunProgram({t::ToolPath("hpo-collect").string(), "--watch", "0", root}, dir.path());
    CHECK(bad.exit_code == 2);
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
