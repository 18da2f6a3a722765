// Every name in a campaign directory is built and parsed here, and nowhere else
// (leveldb's filename.cc). A campaign directory looks like:
//
//   campaign.yaml            frozen copy of the config the campaign was created with
//   campaign.json            identity: space fingerprint, seed, method, working directory
//   tmp/                     in-flight writes (unique names; never read as state)
//   pending/trial_<i>.json   sampled, waiting to run
//   running/trial_<i>.json   claimed by a runner (rename from pending/)
//   results/trial_<i>.json   finished with a finite metric (the seed's format)
//   failed/trial_<i>.json    failed, with the reason of every attempt
//   pruned/trial_<i>.json    stopped early by the pruner, with its learning curve
//   rungs/                   early stopping: rung values as empty files (rung_files.hpp)
//   trials/trial_<i>/        the trial's work folder: config.json, result.json, logs, checkpoints
//   slurm/                   rendered batch scripts, submission records, SLURM logs
//   slots/slot_<k>           local backend: slot k is taken (a symlink naming its runner)
//   .index/                  parsed-results cache of hpo-collect (safe to delete)
//   final_results.json  best_config.json  results.csv  report.html  Makefile
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hpo {

namespace fs = boost::filesystem;

using TrialId = std::int64_t;

// Largest trial id accepted anywhere: keeps names short and arithmetic exact.
inline constexpr TrialId kMaxTrialId = 999'999'999'999;

// The state folders, in order of precedence when a trial appears in two (after a crash
// between link and unlink): a result beats a pruned record beats a failure beats running beats
// pending.
enum class TrialState { kPending, kRunning, kFinished, kFailed, kPruned };

// Name used in records and summaries: "pending", "running", "finished", "failed", "pruned".
const char* StateName(TrialState state);
std::optional<TrialState> ParseStateName(std::string_view name);

// All states, in listing order.
inline constexpr TrialState kAllStates[] = {TrialState::kPending, TrialState::kRunning,
                                            TrialState::kFinished, TrialState::kPruned,
                                            TrialState::kFailed};

// The states a trial ends in: nothing runs it again (but a retry of a failure).
inline bool IsEnded(TrialState s) {
  return s == TrialState::kFinished || s == TrialState::kPruned || s == TrialState::kFailed;
}

// "trial_<i>.json" for 0 <= i <= kMaxTrialId.
std::string TrialFileName(TrialId id);
// Inverse of TrialFileName; nullopt for anything else (temp files, "trial_01.json",
// "trial_-1.json", "../x").
std::optional<TrialId> ParseTrialFileName(std::string_view name);

// Paths of one campaign directory.
class Layout {
 public:
  explicit Layout(fs::path root);

  const fs::path& root() const { return root_; }
  fs::path config_file() const { return root_ / "campaign.yaml"; }
  fs::path identity_file() const { return root_ / "campaign.json"; }
  // "cancelled.json": written by hpo-collect --cancel; while it exists nothing resubmits.
  fs::path cancel_mark() const { return root_ / "cancelled.json"; }
  fs::path tmp_dir() const { return root_ / "tmp"; }
  // "tmp/retry.trial_<i>.json": a second name (hard link) of the failed record a retry is
  // moving; only one process can create it, so only one retries the trial.
  fs::path retry_claim(TrialId id) const { return tmp_dir() / ("retry." + TrialFileName(id)); }
  fs::path state_dir(TrialState state) const;
  fs::path trial_file(TrialState state, TrialId id) const;

  fs::path trials_dir() const { return root_ / "trials"; }
  fs::path trial_dir(TrialId id) const;
  fs::path trial_config(TrialId id) const { return trial_dir(id) / "config.json"; }
  fs::path trial_result(TrialId id) const { return trial_dir(id) / "result.json"; }
  fs::path trial_stdout(TrialId id) const { return trial_dir(id) / "stdout.log"; }
  fs::path trial_stderr(TrialId id) const { return trial_dir(id) / "stderr.log"; }
  fs::path trial_heartbeat(TrialId id) const { return trial_dir(id) / "heartbeat"; }
  // "trials/trial_<i>/progress.jsonl": the learning curve, one {"step", "value", ...} a line,
  // written by the trial only (hpo-prune, or the Python helper).
  fs::path trial_progress(TrialId id) const { return trial_dir(id) / "progress.jsonl"; }
  // "trials/trial_<i>/prune/": the pruner's decisions for the trial, one file per rung
  // (prune_step.hpp), each written once.
  fs::path trial_decisions_dir(TrialId id) const { return trial_dir(id) / "prune"; }
  // "trials/trial_<i>/prune/<rung>.json" for a RungName.
  fs::path trial_decision(TrialId id, const std::string& rung) const {
    return trial_decisions_dir(id) / (rung + ".json");
  }
  // "trials/trial_<i>/duplicate_result.<unique>.json": a result of a second run of a trial
  // whose result was already published (kept beside it, never counted).
  fs::path trial_duplicate_result(TrialId id, const std::string& unique) const {
    return trial_dir(id) / ("duplicate_result." + unique + ".json");
  }

  fs::path slurm_dir() const { return root_ / "slurm"; }
  // "slurm/array_<n>.sbatch": the n-th rendered batch script.
  fs::path slurm_script(int n) const;
  // "slurm/job_<jobid>.json": what one sbatch call submitted.
  fs::path submission_record(const std::string& job_id) const;
  fs::path slurm_log_pattern() const { return slurm_dir() / "%x_%A_%a.out"; }
  // "slurm/collect.sbatch": the batch script of the collect job run after the trials.
  fs::path collect_script() const { return slurm_dir() / "collect.sbatch"; }
  // "slurm/%x_%j.out": the collect job's log (sbatch --output pattern).
  fs::path collect_log_pattern() const { return slurm_dir() / "%x_%j.out"; }

  // "rungs/": early stopping's records; "rungs/<rung>/" one rung (a RungName).
  fs::path rungs_dir() const { return root_ / "rungs"; }
  fs::path rung_dir(const std::string& rung) const { return rungs_dir() / rung; }

  // "slots/": the local backend's run slots, one file per slot taken (local_slots.hpp).
  fs::path slots_dir() const { return root_ / "slots"; }
  // "slots/slot_<k>": slot k (0 <= k < hpo.max_concurrent_jobs) is taken.
  fs::path slot_file(int k) const;

  fs::path final_results() const { return root_ / "final_results.json"; }
  fs::path best_config() const { return root_ / "best_config.json"; }
  fs::path results_csv() const { return root_ / "results.csv"; }
  fs::path report_html() const { return root_ / "report.html"; }
  fs::path makefile() const { return root_ / "Makefile"; }
  // ".index/": segments of parsed results, so a repeated collect parses only new files.
  fs::path index_dir() const { return root_ / ".index"; }
  // ".index/seg.<unique>.tsv": one segment (format in index_format.hpp).
  fs::path index_segment(const std::string& unique) const { return index_dir() / ("seg." + unique + ".tsv"); }

  // Every folder a campaign needs, created by Campaign::Create.
  std::vector<fs::path> Folders() const;

  // The names of the entries the tools own in a campaign directory: its folders (state
  // folders, tmp/, trials/, slurm/, .index/) and the files they write there (campaign.yaml,
  // campaign.json, final_results.json, best_config.json, results.csv, Makefile). Not
  // report.html: the page is the user's to place.
  static const std::vector<std::string>& FolderNames();
  static const std::vector<std::string>& OwnFileNames();

 private:
  fs::path root_;
};

// The entry of the campaign at `root` that `path` is or lies inside, when it is one of the
// tools' own (Layout::FolderNames, Layout::OwnFileNames): "results", "campaign.yaml", ...;
// nullopt otherwise. Both paths must be absolute and canonical (no symlinks, "." or ".."):
// the comparison is by name.
std::optional<std::string> OwnEntryOf(const fs::path& root, const fs::path& path);

// True for the name of a retry claim ("retry.trial_<i>.json", see Layout::retry_claim).
bool IsRetryClaimName(std::string_view name);

// True for the name of an index segment ("seg.<UniqueName>.tsv").
bool IsIndexSegmentName(std::string_view name);
// True for the name of a segment in the earlier JSON-lines format ("seg.<UniqueName>.jsonl"),
// which is no longer read and is removed when the index is merged.
bool IsOldIndexSegmentName(std::string_view name);

// The name of an ASHA rung: "bracket_<b>.rung_<k>" (b, k >= 0), and of a step of the median
// rule: "median.step_<s>" (s the shortest text of a finite number >= 0).
std::string AshaRungName(int bracket, int rung);
std::string MedianStepName(double step);
// Inverse of AshaRungName: {bracket, rung}; nullopt for anything else.
std::optional<std::pair<int, int>> ParseAshaRungName(std::string_view name);

// Parses "slot_<k>" back to k; nullopt for anything else.
std::optional<int> ParseSlotName(std::string_view name);

// Parses "job_<jobid>.json" back to the job id.
std::optional<std::string> ParseSubmissionRecordName(std::string_view name);

}  // namespace hpo
