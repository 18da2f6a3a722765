#include "prune_step.hpp"

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cmath>

#include "atomic_file.hpp"
#include "dir_names.hpp"
#include "error.hpp"
#include "json_parse.hpp"
#include "learning_curve.hpp"
#include "rung_files.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxDecisionBytes = 1 << 16;

std::optional<json> ReadDecision(const fs::path& file) {
  std::optional<std::string> text = ReadFile(file, kMaxDecisionBytes);
  if (!text) return std::nullopt;
  ParsedJson p = ParseJson(*text, DuplicateKeys::kLastWins);
  if (!p.ok() || !p.value.is_object() || !p.value.contains("verdict"))
    throw Error(file.string() + ": not a pruner decision (" + (p.ok() ? "no verdict" : p.problem) +
                "); remove it to have the trial judged again at this rung");
  return std::move(p.value);
}

bool IsStop(const json& decision) { return decision.value("verdict", "") == VerdictName(Verdict::kStop); }

// Writes the decision once; when another attempt wrote one first, that one holds. Published
// atomically but not flushed: a flush costs more than the whole decision, and a decision lost
// to a power cut only means the trial is judged again there, on the values then recorded.
json Publish(const Layout& L, TrialId id, const std::string& rung, json decision) {
  fs::path file = L.trial_decision(id, rung);
  boost::system::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (WriteFileAtomic(file, decision.dump() + "\n", Publish::kNoReplace, L.tmp_dir(), Durability::kNoSync) ==
      Outcome::kExists)
    if (auto first = ReadDecision(file)) return *first;
  return decision;
}

std::vector<double> ValuesOf(const std::vector<RungEntry>& entries, std::optional<TrialId> except) {
  std::vector<double> values;
  values.reserve(entries.size());
  for (const auto& e : entries)
    if (!except || e.trial != *except) values.push_back(e.value);
  return values;
}

PruneAnswer Answer(TrialId id, json decision) {
  PruneAnswer a;
  if (!IsStop(decision)) return a;
  a.verdict = Verdict::kStop;
  a.why = DescribeStop(id, decision);
  a.decision = std::move(decision);
  return a;
}

// ASHA: every rung of the trial's bracket at or below `step` that has no decision yet.
PruneAnswer AshaStep(const Campaign& c, TrialId id, double step, double value) {
  const Config& cfg = c.config();
  const Layout& L = c.layout();
  const int bracket = BracketOf(cfg.hpo.seed, id, cfg.pruner.brackets);
  const AshaRule rule = BracketRule(cfg.pruner.asha, bracket);
  const std::vector<double> rungs = RungResources(rule);
  for (size_t k = 0; k < rungs.size() && rungs[k] <= step; ++k) {
    const std::string name = AshaRungName(bracket, static_cast<int>(k));
    std::optional<json> decision = ReadDecision(L.trial_decision(id, name));
    if (!decision) {
      size_t n = 0;
      Verdict v = Verdict::kStop;  // a value that is not finite stops, unrecorded
      if (std::isfinite(value)) {
        RecordRungValue(L.rung_dir(name), id, value, cfg.hpo.mode);
        std::vector<double> values = ValuesOf(ReadRung(L.rung_dir(name), cfg.hpo.mode), std::nullopt);
        n = values.size();
        v = AshaVerdict(value, std::move(values), cfg.hpo.mode, rule);
      }
      size_t keep = std::max<size_t>(1, n / static_cast<size_t>(rule.reduction_factor));
      decision = Publish(L, id, name,
                         {{"rule", "asha"}, {"rung", k}, {"bracket", bracket}, {"resource", StepJson(rungs[k])},
                          {"step", StepJson(step)}, {"value", std::isfinite(value) ? json(value) : json()},
                          {"verdict", VerdictName(v)}, {"n", n}, {"keep", keep},
                          {"grace", n < static_cast<size_t>(rule.min_trials)},
                          {"time", NowSeconds()}});
    }
    if (IsStop(*decision)) return Answer(id, std::move(*decision));
  }
  return {};
}

// The best value of the trial's curve up to `step`, `value` included.
double BestSoFar(const Layout& L, TrialId id, double step, double value, Mode mode) {
  double best = value;
  auto better = [mode](double a, double b) { return mode == Mode::kMin ? a < b : a > b; };
  for (const CurvePoint& p : ReadCurve(L.trial_progress(id)))
    if (p.step <= step && p.value && (!std::isfinite(best) || better(*p.value, best))) best = *p.value;
  return best;
}

// The median rule: every step is judged, against the other trials' values at that step.
PruneAnswer MedianStep(const Campaign& c, TrialId id, double step, double value) {
  const Config& cfg = c.config();
  const Layout& L = c.layout();
  const std::string name = MedianStepName(step);
  std::optional<json> decision = ReadDecision(L.trial_decision(id, name));
  if (!decision) {
    if (std::isfinite(value)) RecordRungValue(L.rung_dir(name), id, value, cfg.hpo.mode);
    std::vector<double> others = ValuesOf(ReadRung(L.rung_dir(name), cfg.hpo.mode), id);
    double best = BestSoFar(L, id, step, value, cfg.hpo.mode);
    size_t n = others.size();
    Verdict v = MedianVerdict(best, std::move(others), step, cfg.hpo.mode, cfg.pruner.median);
    decision = Publish(L, id, name,
                       {{"rule", "median"}, {"step", StepJson(step)},
                        {"value", std::isfinite(value) ? json(value) : json()},
                        {"best_so_far", std::isfinite(best) ? json(best) : json()},
                        {"verdict", VerdictName(v)}, {"n", n}, {"time", NowSeconds()}});
  }
  return Answer(id, std::move(*decision));
}

}  // namespace

PruneAnswer ReportStep(const Campaign& campaign, TrialId id, double step, double value) {
  switch (campaign.config().pruner.kind) {
    case PrunerKind::kAsha: return AshaStep(campaign, id, step, value);
    case PrunerKind::kMedian: return MedianStep(campaign, id, step, value);
    case PrunerKind::kNone: break;
  }
  return {};
}

std::optional<json> StopDecisionOf(const Layout& layout, TrialId id) {
  std::optional<json> first;
  ForEachName(layout.trial_decisions_dir(id), [&](std::string_view name) {
    if (name.size() < 6 || name.substr(name.size() - 5) != ".json" || name[0] == '.') return;
    std::optional<json> d;
    try {
      d = ReadDecision(layout.trial_decisions_dir(id) / std::string(name));
    } catch (const Error&) {
      return;
    }
    if (!d || !IsStop(*d)) return;
    if (!first || d->value("step", 0.0) < first->value("step", 0.0)) first = std::move(d);
  });
  return first;
}

std::string DescribeStop(TrialId id, const json& d) {
  auto num = [&](const char* k) {
    return d.contains(k) && d[k].is_number() ? ExactNumber(d[k].get<double>()) : std::string("?");
  };
  std::string out = "trial " + std::to_string(id) + " stops at step " + num("step");
  if (d.value("rule", "") == "asha") {
    out += " (rung " + num("rung") + ", resource " + num("resource") +
           (d.value("bracket", 0) ? ", bracket " + num("bracket") : "") + "): ";
    if (!d.contains("value") || d["value"].is_null()) return out + "its value is not finite";
    return out + num("value") + " is not among the best " + num("keep") + " of the " + num("n") +
           " values recorded there";
  }
  if (!d.contains("best_so_far") || d["best_so_far"].is_null()) return out + " (median rule): its value is not finite";
  return out + " (median rule): its best so far, " + num("best_so_far") +
         ", is worse than the median of the " + num("n") + " other trials at this step";
}

}  // namespace hpo
