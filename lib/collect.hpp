// hpo-collect: reads a campaign directory (and, where available, SLURM once), settles
// trials whose runner is gone, and writes final_results.json, best_config.json and
// results.csv atomically. Idempotent and safe beside running trials and other collects.
// The sequence lives here; its steps in their own files: settling (settle.hpp), the
// results index (results_index.hpp, format in index_format.hpp), results.csv
// (results_csv.hpp), rows (trial_row.hpp), the best trial (best_trial.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "best_trial.hpp"   // (Better, for the report and the status)
#include "campaign.hpp"
#include "slurm_query.hpp"  // JobStateSource
#include "trial_row.hpp"    // TrialRow, for ScanCampaign's callers

namespace hpo {

struct CollectOptions {
  JobStateSource* slurm = nullptr;  // asked at most once per Collect
  bool write_outputs = true;
};

struct CollectSummary {
  std::map<TrialState, std::int64_t> counts;
  std::int64_t n_trials = 0;     // largest trial id + 1 (the seed's loop bound)
  std::int64_t lost = 0;         // running trials settled as failed by this call
  std::optional<TrialId> best_id;
  std::optional<double> best_metric;
  nlohmann::json best_config;
  bool best_is_pruned = false;   // no trial finished: the best is a pruned one
};

// Scans the campaign: every trial with its state (finished results are read through an
// index so that a repeated scan parses only new files).
std::vector<TrialRow> ScanCampaign(const Campaign& campaign);

// The full collect: settle, scan, write outputs.
CollectSummary Collect(const Campaign& campaign, const CollectOptions& options);

// The short summary printed by hpo-collect.
std::string FormatSummary(const Campaign& campaign, const CollectSummary& summary);

}  // namespace hpo
