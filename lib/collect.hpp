// hpo-collect: reads a campaign directory (and, where available, SLURM once), settles
// trials whose runner is gone, and writes final_results.json, best_config.json and
// results.csv atomically. Idempotent and safe beside running trials and other collects.
#pragma once

#include <boost/filesystem/path.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "best_trial.hpp"  // (Better, for the report and the status)
#include "campaign.hpp"
#include "slurm.hpp"

namespace hpo {

// The fields of a trial's additional_info (for running trials: its runner record) that the
// summaries, the status and the report read. Numbers are set only when the record holds a
// finite number there; strings hold a string's text, or the JSON text of another value.
struct TrialInfo {
  std::optional<double> start_time, end_time, training_time;
  std::optional<long long> exit_code, restart_count;
  std::string host, slurm_job_id, slurm_array_job_id, slurm_array_task_id;
  std::string stdout_log, stderr_log;  // failed and running trials only (not indexed)
};

// One trial as the summaries and the report see it.
struct TrialRow {
  TrialId id = 0;
  TrialState state = TrialState::kPending;
  std::optional<double> metric;       // finished trials
  std::string config;                 // the config object as compact JSON; "" when not read
  TrialInfo info;
  std::string reason;                 // failed trials
  std::string stderr_tail;            // failed trials: the end of its stderr, "" if none
  int attempt = 1;

  // The config as a JSON object (empty when not read), parsed on first use: a collect over
  // 100,000 trials never builds these documents.
  const nlohmann::json& Config() const;

 private:
  mutable std::optional<nlohmann::json> parsed_config_;
};

// The values of `names` in a config text (TrialRow::config), each as the JSON text of the
// value, in the order of `names`; "" where the config has no such key.
std::vector<std::string_view> ConfigValues(std::string_view config,
                                           const std::vector<std::string>& names);

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
};

// Scans the campaign: every trial with its state (finished results are read through an
// index so that a repeated scan parses only new files).
std::vector<TrialRow> ScanCampaign(const Campaign& campaign);

// The full collect: settle, scan, write outputs.
CollectSummary Collect(const Campaign& campaign, const CollectOptions& options);

// The short summary printed by hpo-collect.
std::string FormatSummary(const Campaign& campaign, const CollectSummary& summary);

}  // namespace hpo
