#include "report_data.hpp"

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <limits>

#include "best_trial.hpp"
#include "plot_axis.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

using nlohmann::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The metric range to draw: everything, unless a few outliers on the worse side would
// squash the rest into one line; the best side is never cut.
void ChooseMetricRange(ReportData& d) {
  std::vector<double> m = d.metric;
  std::sort(m.begin(), m.end());
  d.lo = m.front();
  d.hi = m.back();
  if (m.size() >= 50) {
    if (d.mode == Mode::kMin) {
      double q = m[static_cast<size_t>(0.98 * (m.size() - 1))];
      if (d.hi - d.lo > 10 * (q - d.lo) && q > d.lo) d.hi = Beyond(d.lo, q, 0.1);
    } else {
      double q = m[static_cast<size_t>(0.02 * (m.size() - 1))];
      if (d.hi - d.lo > 10 * (d.hi - q) && q < d.hi) d.lo = Beyond(d.hi, q, 0.1);
    }
  }
  d.hidden = 0;
  for (double v : d.metric) d.hidden += InMetricRange(d, v) ? 0 : 1;
}

// The sampled parameters of the space as axes: numeric ones over the space's bounds where it
// has them (NaN: from the data), categorical ones over their choices.
std::vector<Dim> SampledDims(const Space& space) {
  std::vector<Dim> dims;
  for (const Param& p : space.params()) {
    if (!p.sampled()) continue;
    Dim dim;
    dim.param = &p;
    dim.categorical = p.dist == Dist::kChoice;
    dim.log = p.log_scale();
    if (dim.categorical)
      for (const json& c : p.choices) dim.labels.push_back(ValueText(c));
    if (p.dist == Dist::kUniform || p.dist == Dist::kLogUniform || p.dist == Dist::kRandInt ||
        p.dist == Dist::kLogUint || p.dist == Dist::kQUniform) {
      dim.lo = p.a;
      dim.hi = p.b;
    } else {
      dim.lo = kNaN;  // from the data
      dim.hi = kNaN;
    }
    dims.push_back(std::move(dim));
  }
  return dims;
}

// The rows finished with a finite metric, their metrics and the best of them.
void CollectFinished(ReportData& d) {
  const auto& rows = *d.rows;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].state == TrialState::kFinished && rows[i].metric && std::isfinite(*rows[i].metric))
      d.fin.push_back(i);
  d.metric.reserve(d.fin.size());
  BestTrial best(d.mode);
  for (size_t k = 0; k < d.fin.size(); ++k) {
    const TrialRow& r = rows[d.fin[k]];
    d.metric.push_back(*r.metric);
    if (best.Offer(r.id, r.metric)) d.best = k;
  }
}

// The coordinate of a configuration value on a dimension: the category's index, or the
// number (NaN where it cannot be drawn: missing, not a number, not positive on a log axis).
double Coordinate(const Dim& dim, const json& value) {
  if (dim.categorical) {
    const auto& choices = dim.param->choices;
    for (size_t c = 0; c < choices.size(); ++c)
      if (value == choices[c]) return static_cast<double>(c);
    return kNaN;
  }
  if (!value.is_number()) return kNaN;
  double v = value.get<double>();
  return !std::isfinite(v) || (dim.log && v <= 0) ? kNaN : v;
}

// Places every finished trial on dimension j; values outside a numeric dimension's declared
// bounds (an edited record) widen it.
void PlaceOnDim(ReportData& d, size_t j) {
  Dim& dim = d.dims[j];
  const std::string& name = dim.param->name;
  double dlo = std::numeric_limits<double>::infinity(), dhi = -dlo;
  for (size_t k = 0; k < d.fin.size(); ++k) {
    const json& cfg = (*d.rows)[d.fin[k]].Config();
    if (!cfg.is_object()) continue;
    auto it = cfg.find(name);
    if (it == cfg.end()) continue;
    double v = Coordinate(dim, *it);
    d.x[j][k] = v;
    if (!std::isnan(v)) {
      dlo = std::min(dlo, v);
      dhi = std::max(dhi, v);
    }
  }
  if (dim.categorical) return;
  if (std::isnan(dim.lo) || dlo < dim.lo) dim.lo = dlo;
  if (std::isnan(dim.hi) || dhi > dim.hi) dim.hi = dhi;
  if (!std::isfinite(dim.lo) || !std::isfinite(dim.hi)) dim.lo = 0, dim.hi = 1;
}

}  // namespace

ReportStats ComputeStats(const Campaign& campaign, const std::vector<TrialRow>& rows, double now) {
  ReportStats s;
  s.now = now;
  BestTrial best(campaign.config().hpo.mode);
  for (TrialState st : kAllStates) s.counts[st] = 0;
  s.total = static_cast<std::int64_t>(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const TrialRow& r = rows[i];
    ++s.counts[r.state];
    if (r.state == TrialState::kFinished && best.Offer(r.id, r.metric)) s.best = i;
    if (r.state == TrialState::kPending) continue;
    auto start = r.info.start_time;
    if (!start) continue;
    std::optional<double> end = r.state == TrialState::kRunning
                                    ? std::optional<double>(std::max(now, *start))
                                    : r.info.end_time;
    // A failure settled without an end time (hpo-collect before it recorded the lease's
    // last renewal) still happened at its start: a mark on the timeline, a time origin.
    if (!end && r.state == TrialState::kFailed) end = start;
    if (!end || *end < *start) continue;
    s.intervals.push_back({*start, *end});
    s.interval_rows.push_back(i);
    s.compute_seconds += *end - *start;
  }
  s.concurrency = MeasureConcurrency(s.intervals);
  return s;
}

std::string TimeUsedText(const ReportStats& s) {
  if (s.intervals.empty()) return "";
  return FormatDuration(s.concurrency.last - s.concurrency.first);
}

ReportData PrepareReportData(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& opt) {
  ReportData d;
  d.campaign = &campaign;
  d.root = NormalDir(campaign.layout().root());
  d.rows = &rows;
  d.opt = opt;
  d.mode = campaign.config().hpo.mode;
  d.metric_name = campaign.config().hpo.metric;
  d.stats = ComputeStats(campaign, rows, opt.now > 0 ? opt.now : NowSeconds());
  d.dims = SampledDims(campaign.config().space);
  CollectFinished(d);
  d.x.assign(d.dims.size(), std::vector<double>(d.fin.size(), kNaN));
  for (size_t j = 0; j < d.dims.size(); ++j) PlaceOnDim(d, j);
  if (!d.fin.empty()) ChooseMetricRange(d);
  if (d.fin.size() >= kMinImportanceTrials) {
    std::vector<bool> categorical;
    for (const Dim& dim : d.dims) categorical.push_back(dim.categorical);
    d.importance = MainEffects(d.x, categorical, d.metric);
  }
  d.pruning = campaign.config().pruner.kind != PrunerKind::kNone ||
              d.stats.counts.at(TrialState::kPruned) > 0;
  d.have_times = !d.stats.intervals.empty();
  d.t0 = d.have_times ? d.stats.concurrency.first : 0;
  return d;
}

bool InMetricRange(const ReportData& d, double m) {
  return m >= d.lo && m <= d.hi;
}

std::vector<size_t> RankedFinished(const ReportData& d) {
  std::vector<size_t> order(d.fin.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return Better(d.metric[a], d.metric[b], d.mode); });
  return order;
}

fs::path NormalDir(const fs::path& dir) {
  boost::system::error_code ec;
  fs::path p = fs::canonical(dir, ec);
  if (ec) p = fs::absolute(dir).lexically_normal();
  std::string t = p.string();
  while (t.size() > 1 && t.back() == '/') t.pop_back();
  return t;
}

}  // namespace hpo
