// hpo-collect: reads a campaign directory (and, where available, SLURM once), settles
// trials whose runner is gone, and writes final_results.json, best_config.json and
// results.csv atomically. Idempotent and safe beside running trials and other collects.
#pragma once

#include <boost/filesystem/path.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "slurm.hpp"

namespace hpo {

// One trial as the summaries and the report see it.
struct TrialRow {
  TrialId id = 0;
  TrialState state = TrialState::kPending;
  std::optional<double> metric;       // finished trials
  nlohmann::json config;              // null for pending trials (not read)
  nlohmann::json info;                // additional_info (finished/failed) or runner (running)
  std::string reason;                 // failed trials
  int attempt = 1;
};

// Source of SLURM job states for collect; nullptr when there is no SLURM.
class JobStateSource {
 public:
  virtual ~JobStateSource() = default;
  // States of the given jobs in one call; jobs SLURM no longer knows are absent. nullopt
  // when SLURM could not be asked (the caller then judges by leases alone).
  virtual std::optional<std::map<std::string, JobState>> Query(
      const std::vector<std::string>& job_ids) = 0;
};

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
  std::vector<TrialRow> rows;    // every trial, by id
};

// Scans the campaign: every trial with its state (finished results are read through an
// index so that a repeated scan parses only new files).
std::vector<TrialRow> ScanCampaign(const Campaign& campaign);

// The full collect: settle, scan, write outputs.
CollectSummary Collect(const Campaign& campaign, const CollectOptions& options);

// The short summary printed by hpo-collect.
std::string FormatSummary(const Campaign& campaign, const CollectSummary& summary);

// True when `a` is better than `b` under the campaign's mode.
bool Better(double a, double b, Mode mode);

}  // namespace hpo
