// The trial record: the JSON object each trial file holds (pending/, running/, results/,
// failed/), its key names, its schema check and its transitions. Every writer of a record
// changes it through the functions here; readers may read the JSON, by these key names.
// Fields this module does not know (written by a later version, or by hand) survive every
// transition.
//
//   {"trial_id": 7, "state": "pending|running|finished|failed|pruned", "config": {...},
//    "attempt": 1, "history": [...one entry per earlier attempt or event...],
//    "runner": {...}                 while running: host, pid, SLURM ids, start time,
//                                    "ending" (SLURM is ending the job), "requeued"
//    "<metric>": 0.08,               finished: the seed's `error` (or the configured metric);
//                                    pruned: its value where the pruner stopped it
//    "pruned": {...}                 pruned: step, value, rung, resource, bracket, rule
//    "learning_curve": [[1, 0.5], ...]  pruned: (step, value) as the trial reported them
//    "reason": "...",                failed: why (without the log's path)
//    "stderr_tail": "...",           failed: the end of the trial's stderr, if it said anything
//    "stderr_log": "/.../stderr.log" failed: the trial's stderr log
//    "additional_info": {...}}       finished/failed: training_time, exit_code, host, ...
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "layout.hpp"

namespace hpo {

using Record = nlohmann::json;

// The key names of a record and of its sections.
namespace record_key {
inline constexpr const char* kTrialId = "trial_id";
inline constexpr const char* kState = "state";
inline constexpr const char* kConfig = "config";
inline constexpr const char* kAttempt = "attempt";
inline constexpr const char* kHistory = "history";
inline constexpr const char* kRunner = "runner";
inline constexpr const char* kReason = "reason";
inline constexpr const char* kStderrTail = "stderr_tail";
inline constexpr const char* kStderrLog = "stderr_log";
inline constexpr const char* kAdditionalInfo = "additional_info";
inline constexpr const char* kPruned = "pruned";
inline constexpr const char* kLearningCurve = "learning_curve";
// In the runner section.
inline constexpr const char* kEnding = "ending";        // SLURM is ending the job
inline constexpr const char* kRequeued = "requeued";    // the runner requeued its own task
inline constexpr const char* kRestartCount = "restart_count";
inline constexpr const char* kSlurmJobId = "slurm_job_id";
}  // namespace record_key

// "runner.pid: expected an integer", or "" when `record` is an object whose fields that
// readers use (state, attempt, config, history, reason, runner.pid, ...) have their types.
std::string RecordProblem(const nlohmann::json& record);

// The record of a trial just sampled: pending, attempt 1, no history.
Record NewPendingRecord(TrialId id, const nlohmann::json& config);

// Read-side accessors, with the defaults every reader used.
std::string StateOf(const Record& r);         // "" when absent
int AttemptOf(const Record& r);               // 1 when absent
nlohmann::json RunnerOf(const Record& r);     // {} when absent
nlohmann::json ConfigOf(const Record& r);     // {} when absent
// The trial's stderr log of a failed record: its stderr_log field, or, in records written
// before that field, the "(see <path>)" the runner put inside the reason; "" when neither.
std::string StderrLogOf(const Record& r);

// One entry of a record's history: an attempt that ended, or an event in it.
struct HistoryEntry {
  int attempt = 1;
  std::string state;   // "failed", "requeued", "interrupted", "restarted"
  std::string reason;
  std::optional<double> start_time, end_time;
  std::string host;         // "" to leave out
  std::string stderr_tail;  // "" to leave out
  nlohmann::json extra = nlohmann::json::object();  // more fields (trial, slurm_job_id, ...)
};

// Appends `entry` to the record's history (created when absent).
void AppendHistory(Record& r, const HistoryEntry& entry);

// Registered by a runner: state running, with its runner section.
void MarkRunning(Record& r, const nlohmann::json& runner);

// Finished with `value` of `metric`: state finished, the attempt's additional_info, no runner.
void MarkFinished(Record& r, const std::string& metric, double value,
                  const nlohmann::json& additional_info);

// Stopped early by the pruner: state pruned, `value` of `metric` (where it stopped; null when
// it stopped on a value that was not finite), the decision that stopped it, its learning
// curve, the attempt's additional_info, no runner.
void MarkPruned(Record& r, const std::string& metric, std::optional<double> value, const nlohmann::json& decision,
                const nlohmann::json& learning_curve, const nlohmann::json& additional_info);

// Why an attempt failed.
struct Failure {
  std::string reason;
  std::string stderr_tail;  // "" when the trial said nothing
  std::string stderr_log;   // "" when unknown
  nlohmann::json additional_info = nlohmann::json::object();
  std::optional<double> start_time, end_time;  // of the attempt, for its history entry
  std::string host;                            // where it ran, for its history entry
};

// Failed: state failed, the reason, the stderr tail and log, the attempt's additional_info,
// a history entry; no runner section.
void MarkFailed(Record& r, const Failure& failure);

// Back to pending without using up the attempt (interrupted locally): `why` goes into the
// history (its state and attempt are set here); no runner section.
void MarkBackToPending(Record& r, HistoryEntry why);

// A failed trial retried: pending, the next attempt, without the last attempt's reason,
// stderr, additional_info or runner. Its history keeps the failure.
void ResetForRetry(Record& r);

// The runner requeued its own SLURM task: the next attempt, the requeue in the history, and
// the runner section marked requeued (the resumed task knows it was not SLURM's own restart).
void MarkRequeued(Record& r, HistoryEntry why);

// SLURM is ending the job: the runner section notes when, the signal the runner received (""
// when none) and how the trial ended; hpo-collect settles it with SLURM's reason.
void MarkEnding(Record& r, double time, const std::string& signal, const std::string& trial);

}  // namespace hpo
