#include "local_slots.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <set>
#include <sstream>

#include "atomic_file.hpp"
#include "campaign.hpp"
#include "error.hpp"
#include "process.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

// A slot is a symbolic link whose target text names its holder; it is never followed.
// symlink(2) creates it whole or not at all, refuses to replace (EEXIST, also over NFS),
// and a short target lives in the inode: no temp file, no data block, so slots are taken
// and given back on a full disk as well.
std::optional<std::string> ReadSlot(const fs::path& p) {
  char buf[512];
  ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
  if (n < 0 || n == static_cast<ssize_t>(sizeof buf)) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

// Prefix of the names a slot is renamed to while it is freed ("slots/.aside.<unique>").
constexpr std::string_view kAside = ".aside.";
// An aside left this long ago belongs to a process killed while freeing a slot.
constexpr double kStaleAsideSeconds = 60;

// The slots present: (k, holder text) for every slot_<k> with k < count. A slot that is
// not a symlink (or unreadable) holds "" and keeps its slot. Removes stale asides.
std::vector<std::pair<int, std::string>> ListTaken(const Layout& L, int count) {
  std::vector<std::pair<int, std::string>> out;
  boost::system::error_code ec;
  for (fs::directory_iterator it(L.slots_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.compare(0, kAside.size(), kAside) == 0) {
      struct stat st;
      if (::lstat(it->path().c_str(), &st) == 0 &&
          NowSeconds() - static_cast<double>(st.st_ctim.tv_sec) > kStaleAsideSeconds)
        RemoveFile(it->path());
      continue;
    }
    auto k = ParseSlotName(name);
    if (!k || *k >= count) continue;
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;  // given back since the listing
    out.emplace_back(*k, ReadSlot(it->path()).value_or(""));
  }
  return out;
}

}  // namespace

SlotHolder SlotHolder::Of(pid_t pid, TrialId trial_id) {
  SlotHolder h;
  h.host = HostName();
  h.pid = static_cast<long>(pid);
  h.pid_start = ProcessStartTicks(pid).value_or(0);
  h.launcher_pid = static_cast<long>(::getpid());
  h.trial_id = trial_id;
  return h;
}

std::string SlotHolder::Text() const {
  // Short (it fits in the inode): "host pid pid_start launcher_pid trial_id".
  return host + " " + std::to_string(pid) + " " + std::to_string(pid_start) + " " +
         std::to_string(launcher_pid) + " " + std::to_string(trial_id);
}

std::optional<SlotHolder> SlotHolder::Parse(const std::string& text) {
  std::istringstream in(text);
  SlotHolder h;
  std::string rest;
  if (!(in >> h.host >> h.pid >> h.pid_start >> h.launcher_pid >> h.trial_id) || (in >> rest))
    return std::nullopt;
  if (h.host.empty() || h.Text() != text) return std::nullopt;  // one spelling per holder
  return h;
}

bool SlotHolder::Alive() const {
  if (host != HostName()) return true;
  if (pid <= 0) return false;
  auto ticks = ProcessStartTicks(static_cast<pid_t>(pid));  // nullopt for a zombie too
  return ticks && (pid_start == 0 || *ticks == pid_start);
}

LocalSlots::LocalSlots(const Layout& layout, int count) : layout_(layout), count_(count) {
  EnsureDirectory(layout_.slots_dir());
}

bool LocalSlots::RemoveIfHolds(int k, const std::string& text) {
  // rename, not unlink: between reading the slot and removing it, its holder may have
  // released it and another process taken it; the link renamed away is checked, and one
  // that is not the one judged is put back (link(2) never replaces, nor follows a symlink).
  fs::path slot = layout_.slot_file(k);
  fs::path aside = layout_.slots_dir() / (std::string(kAside) + UniqueName());
  if (::rename(slot.c_str(), aside.c_str()) != 0) {
    if (errno == ENOENT) return true;
    throw Error("failed to rename " + slot.string() + " to " + aside.string() + ": " +
                ErrnoText(errno));
  }
  if (ReadSlot(aside) == text) {
    RemoveFile(aside);
    return true;
  }
  if (::link(aside.c_str(), slot.c_str()) != 0)
    Warning("slot " + std::to_string(k) + " of " + layout_.slots_dir().string() +
            " was taken again while being freed and could not be put back (" + ErrnoText(errno) +
            "): one more runner than hpo.max_concurrent_jobs may run until one ends");
  RemoveFile(aside);
  return false;
}

std::optional<int> LocalSlots::FindFree() {
  std::set<int> held;
  for (auto& [k, text] : ListTaken(layout_, count_)) {
    auto holder = SlotHolder::Parse(text);
    if (holder && !holder->Alive() && RemoveIfHolds(k, text)) continue;
    held.insert(k);
  }
  for (int k = 0; k < count_; ++k)
    if (!held.count(k)) return k;
  return std::nullopt;
}

bool LocalSlots::Take(int k, const SlotHolder& holder) {
  fs::path slot = layout_.slot_file(k);
  if (::symlink(holder.Text().c_str(), slot.c_str()) == 0) return true;
  if (errno == EEXIST) {
    // NFS may report EEXIST for its own retried creation: then the link is ours.
    return ReadSlot(slot) == holder.Text();
  }
  throw Error("failed to take slot " + slot.string() + ": " + ErrnoText(errno));
}

void LocalSlots::Release(int k, const SlotHolder& holder) {
  RemoveIfHolds(k, holder.Text());
}

std::optional<SlotHolder> LocalSlots::Holder(int k) const {
  auto text = ReadSlot(layout_.slot_file(k));
  return text ? SlotHolder::Parse(*text) : std::nullopt;
}

int LocalSlots::HeldByOthers(long except_launcher) {
  int n = 0;
  std::string host = HostName();
  for (auto& [k, text] : ListTaken(layout_, count_)) {
    auto holder = SlotHolder::Parse(text);
    if (holder && holder->host == host && holder->launcher_pid != except_launcher &&
        holder->Alive())
      ++n;
  }
  return n;
}

}  // namespace hpo
