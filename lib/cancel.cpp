#include "cancel.hpp"

#include <pwd.h>
#include <time.h>
#include <unistd.h>

#include <ostream>

#include "atomic_file.hpp"
#include "error.hpp"
#include "process.hpp"
#include "slurm.hpp"
#include "slurm_query.hpp"
#include "slurm_submit.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

using nlohmann::json;

std::string UserAtHost() {
  const passwd* pw = ::getpwuid(::getuid());
  return std::string(pw ? pw->pw_name : std::to_string(::getuid())) + "@" + HostName();
}

std::string UtcTime(double t) {
  time_t s = static_cast<time_t>(t);
  tm u{};
  ::gmtime_r(&s, &u);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &u);
  return buf;
}

// The submitted jobs SLURM still holds: an array while any of its tasks is pending or
// running, a chained job while it is.
std::vector<std::string> HeldJobs(const std::vector<SubmissionRecord>& records) {
  std::vector<std::string> ids;
  for (const auto& r : records) ids.push_back(r.job_id);
  auto source = MakeSlurmJobStateSource();
  if (!source) throw Error("squeue is not on PATH: cannot find the campaign's jobs to cancel");
  auto states = source->Query(ids);
  if (!states) throw Error("SLURM could not be asked which of the campaign's jobs are queued (see the warning above)");
  std::vector<std::string> held;
  for (const auto& r : records) {
    bool active = false;
    if (auto it = states->find(r.job_id); it != states->end()) active = IsActiveJobState(it->second.state);
    const std::string prefix = r.job_id + "_";
    for (auto it = states->lower_bound(prefix); !active && it != states->end() && it->first.rfind(prefix, 0) == 0; ++it)
      active = IsActiveJobState(it->second.state);
    if (active) held.push_back(r.job_id);
  }
  return held;
}

}  // namespace

std::optional<CancelMark> ReadCancelMark(const Campaign& c) {
  auto text = ReadFile(c.layout().cancel_mark(), 1 << 20);
  if (!text) return std::nullopt;
  CancelMark m;
  json j = json::parse(*text, nullptr, false);
  if (j.is_object()) {
    m.time = j.value("time", 0.0);
    m.by = j.value("by", "");
  }
  return m;
}

std::string DescribeCancel(const CancelMark& m) {
  return "cancelled by the user (hpo-collect --cancel" + (m.time > 0 ? " at " + UtcTime(m.time) : "") +
         (m.by.empty() ? "" : " by " + m.by) + ")";
}

std::vector<std::string> CancelCampaign(const Campaign& c, std::ostream& log) {
  const Layout& L = c.layout();
  CancelMark mark{NowSeconds(), UserAtHost()};
  WriteFileAtomic(L.cancel_mark(), json({{"time", mark.time}, {"by", mark.by}}).dump() + "\n",
                  Publish::kReplace, L.tmp_dir());
  log << "marked " << L.root().string() << " as cancelled (" << L.cancel_mark().filename().string()
      << "): nothing resubmits it\n";
  std::vector<SubmissionRecord> records = ReadSubmissionRecords(L);
  if (records.empty()) {
    log << "no SLURM job was submitted for it\n";
    return {};
  }
  std::vector<std::string> held = HeldJobs(records);
  if (held.empty()) {
    log << "none of its " << records.size() << " submitted job(s) is queued or running\n";
    return held;
  }
  // Each id is one sbatch of this campaign: an array id cancels all of that array's tasks.
  std::vector<std::string> argv = {"scancel"};
  argv.insert(argv.end(), held.begin(), held.end());
  Captured r = RunSlurm(argv);
  if (!r.exit.ok()) throw Error("scancel failed (" + r.exit.Describe() + "): " + SlurmMessage(r));
  std::string list;
  for (const auto& j : held) list += (list.empty() ? "" : " ") + j;
  log << "cancelled job(s) " << list << "; hpo-collect " << L.root().string()
      << " records the trials they were running as cancelled by the user once SLURM has ended them\n";
  return held;
}

bool ClearCancelMark(const Campaign& c) {
  if (!ReadCancelMark(c)) return false;
  RemoveFile(c.layout().cancel_mark());
  return true;
}

}  // namespace hpo
