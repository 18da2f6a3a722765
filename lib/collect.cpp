#include "collect.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>

#include "atomic_file.hpp"
#include "error.hpp"
#include "results_csv.hpp"
#include "results_index.hpp"
#include "settle.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

using nlohmann::json;

// Sorts rows by id, stably, without moving any when they are in order already (the usual
// case: listings and merged index segments are in id order).
void SortById(std::vector<TrialRow>& rows) {
  auto by_id = [](const TrialRow& a, const TrialRow& b) { return a.id < b.id; };
  if (!std::is_sorted(rows.begin(), rows.end(), by_id)) std::stable_sort(rows.begin(), rows.end(), by_id);
}

// The folders other than results/, listed before results/ (see ScanOthers).
std::map<TrialState, std::vector<TrialId>> ListOthers(const Campaign& campaign) {
  std::map<TrialState, std::vector<TrialId>> listed;
  for (TrialState s : {TrialState::kPending, TrialState::kRunning, TrialState::kFailed, TrialState::kPruned})
    listed[s] = campaign.List(s);
  return listed;
}

// Rows of the trials listed in pending/, running/, failed/ and pruned/ that are not finished, in id
// order. Trials move on while the folders are listed one after the other. Listing them in
// the order trials go through them (pending, running, failed, then results) means a trial
// that moves on during the scan is seen twice (the later state wins) instead of not at all.
std::vector<TrialRow> ScanOthers(const Campaign& campaign,
                                 std::map<TrialState, std::vector<TrialId>>& listed,
                                 const FinishedLines& finished) {
  const std::string& metric = campaign.config().hpo.metric;
  auto is_finished = [&](TrialId id) {
    return std::binary_search(finished.lines.begin(), finished.lines.end(),
                              FinishedLines::Line{id, 0, {}, 0}, ById);
  };
  std::vector<TrialRow> rows;
  std::set<TrialId> seen;
  for (TrialState s : {TrialState::kPruned, TrialState::kFailed, TrialState::kRunning, TrialState::kPending}) {
    for (TrialId id : listed[s]) {
      if (is_finished(id) || !seen.insert(id).second) continue;  // a later state holds it
      TrialState at = s;
      std::optional<Record> rec;
      // A record that vanished between the listing and the reading has moved on: read it
      // where it is now (a few tries, for a trial passing through several folders).
      for (int tries = 0; tries < 3 && at != TrialState::kPending && !rec; ++tries) {
        try {
          rec = campaign.Read(at, id);
        } catch (const Error& e) {
          Warning(std::string("skipping unreadable record: ") + e.what());
          break;
        }
        if (!rec) {
          auto now_at = campaign.Find(id);
          if (!now_at) break;
          at = *now_at;
        }
      }
      if (at == TrialState::kPending) {
        TrialRow r;
        r.id = id;
        r.state = at;
        rows.push_back(r);
      } else if (rec) {
        rows.push_back(RowFromRecord(id, at, std::move(*rec), metric));
      }
    }
  }
  SortById(rows);
  return rows;
}

// Publishes `text` unless the file already holds exactly it: a collect with nothing new
// rewrites (and fsyncs) nothing big.
void WriteIfChanged(const fs::path& path, const std::string& text, const fs::path& tmp,
                    Durability durability = Durability::kSync) {
  if (FileHolds(path, text)) return;  // (anything else, unreadable or not a file, is replaced)
  WriteFileAtomic(path, text, Publish::kReplace, tmp, durability);
}

// The counts and the best trial. Finished trials stay index lines: only the best one
// becomes a row.
CollectSummary Summarise(const Campaign& campaign, const FinishedLines& finished,
                         const std::vector<TrialRow>& others) {
  CollectSummary sum;
  for (TrialState s : kAllStates) sum.counts[s] = 0;
  sum.counts[TrialState::kFinished] = static_cast<std::int64_t>(finished.lines.size());
  if (!finished.lines.empty()) sum.n_trials = finished.lines.back().id + 1;
  BestTrial best(campaign.config().hpo.mode);
  const FinishedLines::Line* best_line = nullptr;
  for (const auto& l : finished.lines)
    if (best.Offer(l.id, l.metric)) best_line = &l;  // (kNoMetric, NaN, is never taken)
  const TrialRow* best_row = nullptr;
  BestTrial best_pruned(campaign.config().hpo.mode);
  const TrialRow* best_pruned_row = nullptr;
  for (const auto& r : others) {
    ++sum.counts[r.state];
    sum.n_trials = std::max<std::int64_t>(sum.n_trials, r.id + 1);
    if (r.state == TrialState::kFinished && best.Offer(r.id, r.metric)) best_row = &r;
    if (r.state == TrialState::kPruned && best_pruned.Offer(r.id, r.metric)) best_pruned_row = &r;
  }
  // A pruned trial never ran its full training: it is the best only when none did.
  if (!best.id() && best_pruned_row) {
    best = best_pruned;
    best_row = best_pruned_row;
    sum.best_is_pruned = true;
  }
  sum.best_id = best.id();
  sum.best_metric = best.metric();
  if (best_row) {
    sum.best_config = best_row->Config();
  } else if (best_line) {
    auto row = FinishedRow(campaign, finished.format, *best_line);
    sum.best_config = row ? row->Config() : json::object();
  }
  return sum;
}

// final_results.json, best_config.json and results.csv, each published atomically.
void WriteOutputs(const Campaign& campaign, const CollectSummary& sum, const FinishedLines& finished,
                  const std::vector<TrialRow>& others) {
  const Layout& L = campaign.layout();
  const Config& cfg = campaign.config();
  json counts = json::object();
  for (TrialState s : kAllStates) counts[StateName(s)] = sum.counts.at(s);
  json final_results = {
      {"best_config", sum.best_id ? sum.best_config : json()},
      {"best_error", sum.best_metric ? json(*sum.best_metric) : json()},
      {"best_trial_id", sum.best_id ? json(*sum.best_id) : json()},
      {"metric", cfg.hpo.metric},
      {"mode", cfg.hpo.mode == Mode::kMin ? "min" : "max"},
      {"n_trials", sum.n_trials},
      {"counts", counts},
      {"best_is_pruned", sum.best_is_pruned},
      {"updated_at", NowSeconds()}};
  WriteFileAtomic(L.final_results(), final_results.dump(2) + "\n", Publish::kReplace, L.tmp_dir());
  if (sum.best_id)
    WriteIfChanged(L.best_config(), sum.best_config.dump(2) + "\n", L.tmp_dir());
  // results.csv is derived from the records and rewritten by every collect: published
  // atomically but not flushed (15 MB at 100,000 trials; a crash costs one more collect).
  WriteIfChanged(L.results_csv(), ResultsCsv(campaign, finished, others), L.tmp_dir(),
                 Durability::kNoSync);
}

}  // namespace

std::vector<TrialRow> ScanCampaign(const Campaign& campaign) {
  auto listed = ListOthers(campaign);
  FinishedLines finished = ScanFinishedLines(campaign);
  std::vector<TrialRow> rows;
  rows.reserve(finished.lines.size());
  for (const auto& line : finished.lines)
    if (auto row = FinishedRow(campaign, finished.format, line)) rows.push_back(std::move(*row));
  size_t n = rows.size();
  for (auto& row : ScanOthers(campaign, listed, finished)) rows.push_back(std::move(row));
  std::inplace_merge(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n), rows.end(),
                     [](const TrialRow& a, const TrialRow& b) { return a.id < b.id; });
  return rows;
}

CollectSummary Collect(const Campaign& campaign, const CollectOptions& options) {
  // 1. Settle: finish interrupted moves, drop copies that a higher-precedence state already
  //    holds, and fail trials whose runner is gone.
  std::int64_t lost = SettleTrials(campaign, options.slurm, NowSeconds());
  // 2. Scan and summarise.
  auto listed = ListOthers(campaign);
  FinishedLines finished = ScanFinishedLines(campaign);
  std::vector<TrialRow> others = ScanOthers(campaign, listed, finished);
  CollectSummary sum = Summarise(campaign, finished, others);
  sum.lost = lost;
  // 3. Outputs.
  if (options.write_outputs) WriteOutputs(campaign, sum, finished, others);
  return sum;
}

std::string FormatSummary(const Campaign& campaign, const CollectSummary& s) {
  std::ostringstream out;
  // Trials, counted (s.n_trials is the largest id + 1: ids 1000-1002 are 3 trials, not 1003).
  std::int64_t trials = 0;
  for (const auto& [state, n] : s.counts) trials += n;
  out << campaign.layout().root().string() << ": " << trials
      << " trials: " << s.counts.at(TrialState::kFinished) << " finished, "
      << s.counts.at(TrialState::kRunning) << " running, " << s.counts.at(TrialState::kPending)
      << " pending, " << s.counts.at(TrialState::kFailed) << " failed";
  if (s.counts.at(TrialState::kPruned) || campaign.config().pruner.kind != PrunerKind::kNone)
    out << ", " << s.counts.at(TrialState::kPruned) << " pruned";
  if (s.lost) out << " (" << s.lost << " newly settled as failed)";
  out << "\n";
  if (s.best_id)
    out << "best " << campaign.config().hpo.metric << " " << json(*s.best_metric).dump()
        << " (trial " << *s.best_id << (s.best_is_pruned ? ", pruned: no trial ran to the end yet" : "")
        << "): " << s.best_config.dump() << "\n";
  else
    out << "no finished trial yet\n";
  return out.str();
}


}  // namespace hpo
