// SLURM queries through its command-line tools (one call each, never per trial, never in a
// tight loop: SLURM's own man pages warn against polling).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"
#include "slurm.hpp"

namespace hpo {

// Seconds a SLURM query or control command (squeue, scontrol, scancel) may take before it is
// given up: the controller answers in well under a second; a wrong SLURM_CONF or an
// unreachable controller makes these tools retry for a minute or more.
inline constexpr double kSlurmCallTimeout = 20;
// sbatch may wait on a busy controller a little longer.
inline constexpr double kSbatchTimeout = 60;

// Runs a SLURM command-line tool, capturing its output. Throws an Error, at once, when
// SLURM_CONF names a file that does not exist (the tools would retry for a minute), and when
// the tool cannot be started or does not answer within `timeout` seconds (with everything it
// printed). A non-zero exit is returned, not thrown: see SlurmMessage.
Captured RunSlurm(const std::vector<std::string>& argv, double timeout = kSlurmCallTimeout);

// The whole of what a SLURM tool printed on stderr (stdout when stderr is empty), as one
// line: lines joined with "; ", surrounding blanks trimmed.
std::string SlurmMessage(const Captured& c);

// Source of SLURM job states for collect and the status; nullptr where there is no SLURM.
// Tests put a fake in its place.
class JobStateSource {
 public:
  virtual ~JobStateSource() = default;
  // States of the given jobs in one call; jobs SLURM no longer knows are absent. nullopt
  // when SLURM could not be asked (the caller then judges by leases alone).
  virtual std::optional<std::map<std::string, JobState>> Query(
      const std::vector<std::string>& job_ids) = 0;
};

// A JobStateSource backed by `squeue -r -t all` (one call per Collect), keyed by TaskName
// ("<array>_<task>", or the job id of a job that is not an array); nullptr when squeue is not
// on PATH, so hpo-collect works from the directory alone.
std::unique_ptr<JobStateSource> MakeSlurmJobStateSource();

// The state of one job (a TaskName) from `scontrol show job -o ID` (the runner asks once, on SIGTERM, to
// record CANCELLED/TIMEOUT/PREEMPTED as the reason). nullopt when it cannot be asked.
std::optional<JobState> QueryJob(const std::string& job_id);

// True for a state in which the job has ended for good (COMPLETED, FAILED, TIMEOUT,
// CANCELLED, ...; "CANCELLED by 123" counts as CANCELLED).
bool IsTerminal(const std::string& state);

// The SLURM task a runner record names ("<array>_<task>", see TaskName), "" outside SLURM.
std::string RunnerTaskName(const nlohmann::json& runner);

// True for a state in which SLURM may still run the job (PENDING, RUNNING, REQUEUED, ...).
bool IsActiveJobState(const std::string& state);

// Parses squeue output lines "jobid|STATE|reason".
std::map<std::string, JobState> ParseSqueue(const std::string& text);

// Parses the JobState= and Reason= fields of `scontrol show job -o`.
std::optional<JobState> ParseScontrolJob(const std::string& text);

}  // namespace hpo
