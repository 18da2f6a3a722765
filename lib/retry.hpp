// Retries: a failed trial with attempts left (hpo.max_attempts) goes back to pending with
// the same config and id, attempt + 1; its work folder and every earlier reason are kept.
#pragma once

#include <cstddef>
#include <vector>

#include "campaign.hpp"

namespace hpo {

// Moves every failed trial with attempt < hpo.max_attempts back to pending. Safe beside
// other processes: each move is one rename, and a crash between rewriting and moving the
// record is completed by the next hpo-collect. Returns the ids moved.
std::vector<TrialId> RetryFailed(const Campaign& campaign);

// How many failed trials have used all their attempts (attempt >= hpo.max_attempts): the
// ones RetryFailed leaves alone. Unreadable records are not counted.
std::size_t CountOutOfAttempts(const Campaign& campaign);

// Where a record's "state" field says it belongs, when that is not the folder it is in (a
// crash between rewriting a record and renaming it). Moves it there; returns true if moved.
bool CompleteInterruptedMove(const Campaign& campaign, TrialState folder, TrialId id,
                             const Record& record);

}  // namespace hpo
