// The local backend: runs pending trials as local processes through the same runner a SLURM
// array task uses, at most N at once. It keeps no state of its own: the directory decides,
// so killing it and running it again continues where the campaign stands.
#pragma once

#include <string>

#include "campaign.hpp"

namespace hpo {

struct LocalResult {
  int started = 0;
  int finished = 0;  // runner exit 0
  int failed = 0;    // runner exit non-zero (trial failed or runner error)
  bool interrupted = false;
};

// Runs every pending trial of `campaign` with `runner` (the hpo-run executable), keeping at
// most `max_concurrent` runners alive, counting runners of this host that an earlier,
// killed launcher left behind. Returns when nothing is pending and all runners ended, or
// after SIGINT/SIGTERM (forwarded to the runners, which return their trials to pending).
LocalResult RunLocal(const Campaign& campaign, int max_concurrent, const std::string& runner);

}  // namespace hpo
