// A trial as the summaries, the status and the report read it (TrialRow, TrialInfo), and
// how a row is read from a trial record: from a parsed record, or straight from the text of
// a finished one without building a document (the hot path of a collect). The results
// index keeps rows in its own format (index_format.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "campaign.hpp"

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
  std::optional<double> metric;       // finished trials; pruned: the value where it stopped
  std::string config;                 // the config object as compact JSON; "" when not read
  TrialInfo info;
  std::string reason;                 // failed trials
  std::string stderr_tail;            // failed trials: the end of its stderr, "" if none
  int attempt = 1;
  // Pruned trials: the step and the ASHA rung (-1 for the median rule) where it stopped.
  std::optional<double> pruned_step;
  int pruned_rung = -1;

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

// The row of a trial from its record (as Campaign::Read gives it); `metric`: the campaign's
// metric key. Finite metrics only; the log paths are kept for trials that are not finished.
TrialRow RowFromRecord(TrialId id, TrialState state, Record&& rec, const std::string& metric);

// The row of a finished record read straight from its text, without building a document;
// nullopt for anything unusual (a type Campaign::Read would refuse, a runner section, text
// that is not strict JSON), which the caller then reads the slow way, with its messages.
std::optional<TrialRow> FastFinishedRow(TrialId id, std::string_view text, const std::string& metric);

}  // namespace hpo
