// hpo-submit --array: pending trials as throttled SLURM job arrays, plus the dependent
// hpo-collect job.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "campaign.hpp"

namespace hpo {

// The time limit of the chained hpo-collect (and hpo-report) job.
inline constexpr const char* kCollectJobTime = "0:10:00";

// One job array: trial id = offset + array index, every index < MaxArraySize.
struct ArrayPlan {
  TrialId offset = 0;
  std::vector<TrialId> ids;
  std::string indices;  // "0-99,105,200-300": what goes before "%K" in --array
};

// Splits sorted trial ids into arrays whose indices stay below `max_array_size` (the limit
// caps the index, not the count: --array=1001-2000 is invalid with the default 1001).
std::vector<ArrayPlan> PlanArrays(std::vector<TrialId> ids, long max_array_size);

// "0-3,7,9-10" for sorted, distinct indices.
std::string IndexRanges(const std::vector<TrialId>& indices);

// The way sbatch is reached (the one seam tests may replace, for rendering checks only).
class Sbatch {
 public:
  virtual ~Sbatch() = default;
  // Runs `sbatch --parsable ARGS...` and returns the job id. Throws an Error with sbatch's
  // own message when it refuses.
  virtual std::string Submit(const std::vector<std::string>& args) = 0;
  // MaxArraySize of the cluster (`scontrol show config`), 1001 when it cannot be read.
  virtual long MaxArraySize() = 0;
};

// What one sbatch of this campaign submitted (slurm/job_<id>.json).
struct SubmissionRecord {
  std::string job_id;
  std::string kind;  // "array" or "collect"
  TrialId offset = 0;
  std::vector<TrialId> trial_ids;  // arrays: trial id = offset + task id
};

// Every submission record of the campaign, oldest job first; unreadable ones are skipped.
std::vector<SubmissionRecord> ReadSubmissionRecords(const Layout& layout);

// The real sbatch/scontrol on PATH.
std::unique_ptr<Sbatch> MakeSbatch();

struct SubmitOptions {
  bool dry_run = false;       // print scripts and sbatch lines, submit and record nothing
  bool chain_collect = true;  // submit hpo-collect (and hpo-report) with afterany
  bool collect_resubmits = false;  // the chained hpo-collect runs with --resubmit
  std::string tools_dir;      // where hpo-run/hpo-collect/hpo-report live
  std::vector<std::string> after_jobs;  // the first array waits for these (afterany)
};

struct SubmitResult {
  std::vector<std::string> array_jobs;
  std::string collect_job;
  std::size_t trials = 0;
};

// The default job name, from the campaign folder's name: "hpo-<name>", where every character
// but letters, digits, '.', '_' and '-' becomes '_' and the name keeps its first 40
// characters ("hpo" for an empty name). `squeue -n hpo-<name>` then lists one campaign.
std::string DefaultJobName(std::string_view folder);

// slurm.job_name when the config sets it, else DefaultJobName of the campaign folder.
std::string JobName(const Campaign& campaign);

// Renders the batch script of one array (templates/array.sbatch.in).
std::string RenderArrayScript(const Campaign& campaign, TrialId offset, const std::string& tools_dir);

// The sbatch argv (without "sbatch --parsable") of one array.
std::vector<std::string> ArraySbatchArgs(const Campaign& campaign, const ArrayPlan& plan,
                                         const std::string& script, const std::string& after);

// Submits `ids` (pending trials not already covered by a queued array of this campaign).
// Arrays are chained with afterany, the first one after options.after_jobs (the campaign's
// queued arrays), so the throttle of max_concurrent_jobs holds across all of them. Writes each script to slurm/array_<n>.sbatch and each submission to
// slurm/job_<id>.json. Prints what it does to `log`.
SubmitResult SubmitArrays(const Campaign& campaign, std::vector<TrialId> ids, Sbatch& sbatch,
                          const SubmitOptions& options, std::ostream& log);

// What the campaign has queued in SLURM, from its submission records and one squeue call.
struct QueuedWork {
  std::vector<TrialId> unsubmitted;         // pending trials no queued array task covers
  std::vector<std::string> queued_arrays;   // its arrays with a task pending or running
};
QueuedWork FindQueuedWork(const Campaign& campaign);

}  // namespace hpo
