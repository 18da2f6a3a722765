#include "report_pruning.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "dir_names.hpp"
#include "pruner.hpp"
#include "rung_files.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Order of places: ASHA rungs by bracket then rung, median steps (rung -1) after, by step.
bool PlaceBefore(const RungPlace& a, const RungPlace& b) {
  bool am = a.rung < 0, bm = b.rung < 0;
  if (am != bm) return bm;
  if (am) return a.resource < b.resource;
  return std::tie(a.bracket, a.rung) < std::tie(b.bracket, b.rung);
}

// The resource of rung k of `bracket` under the pruner's settings; NaN outside them.
double RungResource(const PrunerSection& pruner, int bracket, int rung) {
  if (pruner.kind != PrunerKind::kAsha || bracket < 0 || rung < 0) return kNaN;
  std::vector<double> rungs = RungResources(BracketRule(pruner.asha, bracket));
  return static_cast<size_t>(rung) < rungs.size() ? rungs[rung] : kNaN;
}

}  // namespace

bool SamePlace(const RungPlace& a, const RungPlace& b) {
  if ((a.rung < 0) != (b.rung < 0)) return false;
  return a.rung < 0 ? a.resource == b.resource : a.bracket == b.bracket && a.rung == b.rung;
}

std::optional<RungPlace> StopPlaceOf(const Config& config, const TrialRow& row) {
  if (row.state != TrialState::kPruned) return std::nullopt;
  RungPlace p;
  if (row.pruned_rung >= 0) {
    p.rung = row.pruned_rung;
    p.bracket = BracketOf(config.hpo.seed, row.id, config.pruner.brackets);
    p.resource = RungResource(config.pruner, p.bracket, p.rung);
    if (std::isnan(p.resource) && row.pruned_step) p.resource = *row.pruned_step;
    return p;
  }
  if (!row.pruned_step) return std::nullopt;
  p.resource = *row.pruned_step;
  return p;
}

std::vector<RungCount> CountOccupancy(const std::vector<RungCount>& recorded,
                                      const std::vector<RungPlace>& stops) {
  std::vector<RungCount> out;
  auto find = [&out](const RungPlace& p) -> RungCount& {
    for (RungCount& c : out)
      if (SamePlace(c.place, p)) return c;
    out.push_back({p, 0, 0});
    return out.back();
  };
  for (const RungCount& r : recorded) find(r.place).reached += r.reached;
  // Few places (a rung per resource, a median step per step): a linear search is enough,
  // but the stops come one per trial, so they are grouped first.
  std::vector<RungPlace> sorted = stops;
  std::stable_sort(sorted.begin(), sorted.end(), PlaceBefore);
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && SamePlace(sorted[i], sorted[j])) ++j;
    find(sorted[i]).stopped += static_cast<std::int64_t>(j - i);
    i = j;
  }
  for (RungCount& c : out) c.reached = std::max(c.reached, c.stopped);
  std::stable_sort(out.begin(), out.end(), [](const RungCount& a, const RungCount& b) {
    return PlaceBefore(a.place, b.place);
  });
  return out;
}

std::vector<RungCount> ReadRungCounts(const Campaign& campaign) {
  const Config& cfg = campaign.config();
  const Layout& L = campaign.layout();
  std::vector<RungCount> out;
  std::vector<std::pair<int, int>> rungs;
  ForEachName(L.rungs_dir(), [&](std::string_view name) {
    if (auto bk = ParseAshaRungName(name)) rungs.push_back(*bk);
  });
  std::sort(rungs.begin(), rungs.end());
  for (const auto& [b, k] : rungs) {
    RungCount c;
    c.place = {b, k, RungResource(cfg.pruner, b, k)};
    c.reached =
        static_cast<std::int64_t>(ReadRung(L.rung_dir(AshaRungName(b, k)), cfg.hpo.mode).size());
    out.push_back(c);
  }
  return out;
}

std::vector<RungCount> StopsPerRung(const Config& config, const std::vector<TrialRow>& rows) {
  std::vector<RungPlace> stops;
  for (const TrialRow& r : rows)
    if (auto p = StopPlaceOf(config, r)) stops.push_back(*p);
  return CountOccupancy({}, stops);
}

std::vector<RungCount> ReachedSteps(const std::vector<RungPlace>& stops,
                                    const std::vector<TrialSteps>& trials) {
  std::vector<RungCount> out;
  for (const RungPlace& p : stops) {
    if (p.rung >= 0) continue;
    bool seen = false;
    for (const RungCount& c : out) seen = seen || SamePlace(c.place, p);
    if (seen) continue;
    RungCount c{p, 0, 0};
    for (const TrialSteps& t : trials)
      if (t.last_step && *t.last_step >= p.resource) ++c.reached;
    out.push_back(c);
  }
  return out;
}

std::vector<RungCount> RungOccupancy(const Campaign& campaign, const std::vector<TrialRow>& rows,
                                     const std::vector<TrialSteps>& steps) {
  std::vector<RungPlace> stops;
  for (const TrialRow& r : rows)
    if (auto p = StopPlaceOf(campaign.config(), r)) stops.push_back(*p);
  std::vector<RungCount> recorded = ReadRungCounts(campaign);
  for (const RungCount& c : ReachedSteps(stops, steps)) recorded.push_back(c);
  return CountOccupancy(recorded, stops);
}

std::string RungLabel(const RungPlace& p, int brackets) {
  if (p.rung < 0) return "step " + ShortNumber(p.resource, 6);
  std::string o = brackets > 1 ? "bracket " + std::to_string(p.bracket) + " " : "";
  o += "rung " + std::to_string(p.rung);
  if (!std::isnan(p.resource)) o += " @" + ShortNumber(p.resource, 6);
  return o;
}

std::string StopsText(const std::vector<RungCount>& rungs, int brackets) {
  std::string o;
  for (const RungCount& r : rungs) {
    if (!r.stopped) continue;
    o += (o.empty() ? "" : ", ") + RungLabel(r.place, brackets) + ": " + std::to_string(r.stopped);
  }
  return o;
}

StepsSaved CountStepsSaved(const std::vector<TrialSteps>& trials, double full_resource) {
  StepsSaved s;
  if (!(full_resource > 0) || !std::isfinite(full_resource)) return s;
  for (const TrialSteps& t : trials) {
    if (t.state == TrialState::kFinished) {
      ++s.finished;
      s.run += full_resource;
    } else if (t.state == TrialState::kPruned) {
      ++s.pruned;
      double step = t.last_step && std::isfinite(*t.last_step) ? *t.last_step : 0;
      s.run += std::clamp(step, 0.0, full_resource);
    }
  }
  s.full = static_cast<double>(s.finished + s.pruned) * full_resource;
  return s;
}

std::optional<double> FullResource(const PrunerSection& pruner,
                                   const std::vector<TrialSteps>& trials) {
  if (pruner.kind == PrunerKind::kAsha) return pruner.asha.max_resource;
  if (pruner.kind == PrunerKind::kNone) return std::nullopt;
  std::optional<double> longest;
  for (const TrialSteps& t : trials)
    if (t.state == TrialState::kFinished && t.last_step && std::isfinite(*t.last_step) &&
        (!longest || *t.last_step > *longest))
      longest = t.last_step;
  return longest;
}

std::vector<TrialSteps> StepsOfRows(const std::vector<TrialRow>& rows,
                                    const std::vector<std::optional<double>>& last_steps) {
  std::vector<TrialSteps> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    TrialSteps t{rows[i].state, i < last_steps.size() ? last_steps[i] : std::nullopt};
    if (rows[i].pruned_step && (!t.last_step || *rows[i].pruned_step > *t.last_step))
      t.last_step = rows[i].pruned_step;
    out.push_back(t);
  }
  return out;
}

std::string StepsSavedText(const StepsSaved& s, double full_resource) {
  return FormatFixed(100 * s.fraction(), 1) + "% of steps saved: " + GroupedNumber(s.run) +
         " run of " + GroupedNumber(s.full) + " (" + std::to_string(s.finished) + " finished x " +
         ShortNumber(full_resource, 6) + ", " + std::to_string(s.pruned) + " pruned)";
}

EarlyStopping SummariseEarlyStopping(const Campaign& campaign, const std::vector<TrialRow>& rows,
                                     const std::vector<std::optional<double>>& last_steps) {
  const Config& cfg = campaign.config();
  EarlyStopping e;
  e.brackets = cfg.pruner.kind == PrunerKind::kAsha ? cfg.pruner.brackets : 1;
  std::vector<TrialSteps> steps = StepsOfRows(rows, last_steps);
  e.rungs = RungOccupancy(campaign, rows, steps);
  e.full_resource = FullResource(cfg.pruner, steps);
  if (e.full_resource) e.saved = CountStepsSaved(steps, *e.full_resource);
  return e;
}

std::string EarlyStoppingText(const EarlyStopping& e, std::int64_t finished) {
  std::string o;
  if (!e.rungs.empty()) {
    o += "  rungs:";
    for (size_t i = 0; i < e.rungs.size(); ++i) {
      const RungCount& r = e.rungs[i];
      o += (i ? "; " : " ") + RungLabel(r.place, e.brackets) + ": " + std::to_string(r.reached) +
           " reached, " + std::to_string(r.stopped) + " stopped";
    }
    if (e.full_resource)
      o += "; full @" + ShortNumber(*e.full_resource, 6) + ": " + std::to_string(finished) +
           " finished";
    o += "\n";
  }
  if (e.full_resource && e.saved.full > 0)
    o += "  compute: " + StepsSavedText(e.saved, *e.full_resource) + "\n";
  return o;
}

}  // namespace hpo
