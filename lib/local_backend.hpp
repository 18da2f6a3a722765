// The local backend: runs pending trials as local processes through the same runner a SLURM
// array task uses, at most N at once across every launcher of the campaign (local_slots.hpp).
// It keeps no state of its own: the directory decides, so killing it and running it again
// continues where the campaign stands.
#pragma once

#include <string>

#include "campaign.hpp"

namespace hpo {

// What the runners this launcher started did, by their exit status (hpo-run --help).
struct LocalResult {
  int started = 0;
  int finished = 0;  // ran the trial and it finished (exit 0)
  int pruned = 0;    // ran the trial and the pruner stopped it (exit 0, pruned/)
  int failed = 0;    // the trial failed, or the runner hit an error or was killed
  int not_run = 0;   // ran nothing: claimed by another runner meanwhile, or already done (exit 3)
  int returned = 0;  // interrupted: the trial went back to pending (exit 130)
  int stranded = 0;  // claims whose runner never registered, returned to pending
  bool interrupted = false;

  LocalResult& operator+=(const LocalResult& o);
};

// Runs every pending trial of `campaign` with `runner` (the hpo-run executable), each in one
// of the campaign's `max_concurrent` slots, shared with the other launchers of this host:
// the runners of all of them together never exceed it. Returns stranded claims to pending
// first. Returns when nothing is pending and no runner of this host holds a slot, or after
// SIGINT/SIGTERM (forwarded to the runners, which return their trials to pending). Every
// slot it takes is given back when its runner ends.
LocalResult RunLocal(const Campaign& campaign, int max_concurrent, const std::string& runner);

}  // namespace hpo
