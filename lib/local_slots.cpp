#include "local_slots.hpp"

#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <set>

#include "atomic_file.hpp"
#include "error.hpp"
#include "process.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

// A slot file holds one short JSON line; anything longer is not one.
constexpr std::uint64_t kMaxSlotBytes = 4096;

// The slot files present: (k, text) for every slot_<k> with k < count that could be read.
std::vector<std::pair<int, std::string>> ListTaken(const Layout& L, int count) {
  std::vector<std::pair<int, std::string>> out;
  boost::system::error_code ec;
  for (fs::directory_iterator it(L.slots_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    auto k = ParseSlotName(it->path().filename().string());
    if (!k || *k >= count) continue;
    std::optional<std::string> text;
    try {
      text = ReadFile(it->path(), kMaxSlotBytes);
    } catch (const Error& e) {
      // Not a slot file we can judge (a symlink, a huge file): it keeps its slot.
      Warning(std::string("slot left alone: ") + e.what());
      text = "";
    }
    if (text) out.emplace_back(*k, *text);  // (gone since the listing: free)
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
  nlohmann::json j = {{"host", host},
                      {"pid", pid},
                      {"pid_start", pid_start},
                      {"launcher_pid", launcher_pid},
                      {"trial_id", trial_id}};
  return j.dump() + "\n";
}

std::optional<SlotHolder> SlotHolder::Parse(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    SlotHolder h;
    h.host = j.at("host").get<std::string>();
    h.pid = j.at("pid").get<long>();
    h.pid_start = j.value("pid_start", 0ULL);
    h.launcher_pid = j.value("launcher_pid", 0L);
    h.trial_id = j.value("trial_id", TrialId{-1});
    return h;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
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
  // released it and another process taken it; the file renamed away is checked, and one
  // that is not the one judged is put back.
  fs::path slot = layout_.slot_file(k);
  fs::path aside = layout_.tmp_dir() / ("slot." + UniqueName());
  if (::rename(slot.c_str(), aside.c_str()) != 0) {
    if (errno == ENOENT) return true;
    throw Error("failed to rename " + slot.string() + " to " + aside.string() + ": " + ErrnoText(errno));
  }
  std::optional<std::string> now;
  try {
    now = ReadFile(aside, kMaxSlotBytes);
  } catch (const Error&) {
  }
  if (now && *now == text) {
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
  // Not flushed: a slot outlives no crash of its holder that matters (after a reboot every
  // holder is gone and its slot is reclaimed).
  return WriteFileAtomic(layout_.slot_file(k), holder.Text(), Publish::kNoReplace,
                         layout_.tmp_dir(), Durability::kNoSync) == Outcome::kDone;
}

void LocalSlots::Release(int k, const SlotHolder& holder) { RemoveIfHolds(k, holder.Text()); }

int LocalSlots::HeldByOthers(long except_launcher) {
  int n = 0;
  std::string host = HostName();
  for (auto& [k, text] : ListTaken(layout_, count_)) {
    auto holder = SlotHolder::Parse(text);
    if (holder && holder->host == host && holder->launcher_pid != except_launcher && holder->Alive()) ++n;
  }
  return n;
}

}  // namespace hpo
