// Settling a campaign before it is read: trials whose runner is gone are failed with the
// reason (SLURM's word first, then the runner's pid on its own host, then its lease), copies
// left in running/ by a runner that lost the race are removed, moves a crash interrupted are
// completed, and stale temp files are dropped. The first step of every collect.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "campaign.hpp"
#include "slurm.hpp"
#include "slurm_query.hpp"

namespace hpo {

// Settles the campaign as of `now` (NowSeconds); `slurm` (nullptr: none) is asked at most
// once. Returns how many running trials it failed as lost.
std::int64_t SettleTrials(const Campaign& campaign, JobStateSource* slurm, double now);

// Decides whether a running trial's runner is gone; returns the reason, or "" if alive.
// `jobs`: SLURM's states of the runners' jobs (nullopt: SLURM could not be asked).
std::string LostReason(const Campaign& c, TrialId id, const Record& rec,
                       const std::optional<std::map<std::string, JobState>>& jobs, double now);

// Seconds since a running trial's runner was last known alive: its lease (heartbeat) was
// renewed or its running record written, whichever is later; -1 when neither can be read.
double LeaseAge(const Campaign& c, TrialId id, double now);

}  // namespace hpo
