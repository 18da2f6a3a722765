// The local backend's run slots: at most hpo.max_concurrent_jobs runners at once across
// every launcher (`hpo-submit --local`) of a campaign, at every moment. A slot is a
// symbolic link slots/slot_<k> (0 <= k < max_concurrent_jobs) whose target text names its
// holder, the runner process (host, pid and the pid's start time, so a reused pid is not
// mistaken for it); it is never followed. symlink(2) never replaces, so exactly one process
// takes a slot (atomic over NFS too), and it needs no temp file or data block (a full disk
// does not stop it). No locks (flock is unreliable on NFS): a slot whose holder is gone on
// this host (exited, killed, or a zombie nobody reaps) is reclaimed by renaming it aside and
// checking that the link renamed is the one judged (Maildir style); a slot of another host
// is never reclaimed (remove it by hand).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "layout.hpp"

namespace hpo {

// Who holds a slot.
struct SlotHolder {
  std::string host;
  long pid = 0;
  unsigned long long pid_start = 0;  // ProcessStartTicks; 0 when unknown
  long launcher_pid = 0;
  TrialId trial_id = -1;

  // The holder of process `pid` on this host (its start time read now), for `trial_id`.
  static SlotHolder Of(pid_t pid, TrialId trial_id);
  // The slot's text ("host pid pid_start launcher_pid trial_id"), and back; nullopt for a
  // text that is not one.
  std::string Text() const;
  static std::optional<SlotHolder> Parse(const std::string& text);
  // True when the holder still runs: on this host, its pid exists with the same start time
  // and is not a zombie. A holder on another host counts as alive (it cannot be checked).
  bool Alive() const;
};

class LocalSlots {
 public:
  // The `count` slots of the campaign laid out by `layout` (creates slots/ when missing).
  LocalSlots(const Layout& layout, int count);

  // A slot free at this moment, reclaiming slots whose holder is gone; nullopt when every
  // slot is held by a live process. Another launcher may take it before Take does.
  std::optional<int> FindFree();
  // Takes slot `k` for `holder`; false when another process holds it.
  bool Take(int k, const SlotHolder& holder);
  // Gives slot `k` back if `holder` still holds it (it may have been reclaimed already).
  void Release(int k, const SlotHolder& holder);
  // The holder of slot `k`, or nullopt when it is free or not a slot.
  std::optional<SlotHolder> Holder(int k) const;
  // Slots held by live processes of this host other than `except_launcher`'s runners
  // (whose slot files name it as their launcher).
  int HeldByOthers(long except_launcher);

 private:
  // Removes slot `k` when it still holds exactly `text`; returns true when the slot is free
  // afterwards (removed, or already gone).
  bool RemoveIfHolds(int k, const std::string& text);
  const Layout& layout_;
  int count_;
};

}  // namespace hpo
