// Cancelling a campaign: one mark in its directory that stops every resubmission, then
// scancel of every job the campaign submitted that SLURM still holds.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "campaign.hpp"

namespace hpo {

// The campaign's cancel mark (Layout::cancel_mark), when there is one.
struct CancelMark {
  double time = 0;  // Unix seconds
  std::string by;   // user@host
};
std::optional<CancelMark> ReadCancelMark(const Campaign& campaign);

// "cancelled by the user (hpo-collect --cancel at 2026-12-05 09:30:00 UTC by alice@login1)".
std::string DescribeCancel(const CancelMark& mark);

// Writes the mark first (atomically: from then on no chained hpo-collect resubmits), then
// cancels the campaign's arrays and chained jobs that SLURM still holds, named by the job ids
// of its submission records (slurm/job_<id>.json). Prints what it does to `log`. Returns the
// job ids cancelled.
std::vector<std::string> CancelCampaign(const Campaign& campaign, std::ostream& log);

// Removes the mark (an explicit hpo-submit resumes the campaign); true if there was one.
bool ClearCancelMark(const Campaign& campaign);

}  // namespace hpo
