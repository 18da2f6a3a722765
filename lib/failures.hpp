// Failed trials grouped by cause, for the report and `hpo-collect --status`: four trials
// CANCELLED by SLURM are one line "x4" listing their ids, not four lines that differ only
// in a job id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collect.hpp"

namespace hpo {

// A reason without what is particular to one trial: the log path ("(see .../stderr.log)"),
// and the number after "job ", "pid ", "trial_" and "renewal for " (job ids, pids, trial
// folders, lease ages) becomes "N". What tells causes apart (exit codes, signals, SLURM
// states) is kept. "(no reason recorded)" for "".
std::string ReasonKey(std::string_view reason);

// One cause.
struct FailureGroup {
  std::string reason;          // ReasonKey of every member
  std::vector<TrialId> ids;    // in id order
  std::string stderr_tail;     // of the most recent member that has one ("" when none has)
  TrialId tail_trial = 0;      // whose tail that is
};

// The failed rows grouped by ReasonKey, the largest group first (ties: lowest first id).
std::vector<FailureGroup> GroupFailures(const std::vector<TrialRow>& rows);

// The groups for a terminal, at most `max_groups`, each line starting with `indent`:
//   4 x CANCELLED: SLURM job N ended before ... (trials 0, 1, 2, 3)
//     | the last lines of stderr
std::string FormatFailureGroups(const std::vector<FailureGroup>& groups, size_t max_groups,
                                const std::string& indent);

// "3, 7, 12" for at most `max` ids, then " and N more".
std::string IdList(const std::vector<TrialId>& ids, size_t max);

}  // namespace hpo
