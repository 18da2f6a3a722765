// SLURM queries through its command-line tools (one call each, never per trial, never in a
// tight loop: SLURM's own man pages warn against polling).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "collect.hpp"
#include "slurm.hpp"

namespace hpo {

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
