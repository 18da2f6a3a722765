// SLURM queries through its command-line tools (one call each, never per trial, never in a
// tight loop: SLURM's own man pages warn against polling).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collect.hpp"
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

// A JobStateSource backed by `squeue -r -t all` (one call per Collect), keyed by TaskName
// ("<array>_<task>", or the job id of a job that is not an array); nullptr when squeue is not
// on PATH, so hpo-collect works from the directory alone.
std::unique_ptr<JobStateSource> MakeSlurmJobStateSource();

// The state of one job (a TaskName) from `scontrol show job -o ID` (the runner asks once, on SIGTERM, to
// record CANCELLED/TIMEOUT/PREEMPTED as the reason). nullopt when it cannot be asked.
std::optional<JobState> QueryJob(const std::string& job_id);

// True for a state in which SLURM may still run the job (PENDING, RUNNING, REQUEUED, ...).
bool IsActiveJobState(const std::string& state);

// Parses squeue output lines "jobid|STATE|reason".
std::map<std::string, JobState> ParseSqueue(const std::string& text);

// Parses the JobState= and Reason= fields of `scontrol show job -o`.
std::optional<JobState> ParseScontrolJob(const std::string& text);

}  // namespace hpo
