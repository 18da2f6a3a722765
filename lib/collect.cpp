#include "collect.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "atomic_file.hpp"
#include "error.hpp"
#include "process.hpp"
#include "retry.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

using nlohmann::json;

// Index segments beyond this number are merged into one.
constexpr size_t kMaxSegments = 8;
constexpr std::uint64_t kMaxSegmentBytes = 1ULL << 31;

// Fields of additional_info kept in the index (what summaries and reports use).
const char* const kIndexedInfo[] = {"training_time", "start_time", "end_time", "host", "attempt",
                                    "exit_code", "slurm_job_id", "slurm_array_job_id",
                                    "slurm_array_task_id", "restart_count"};

json IndexLine(const TrialRow& r) {
  json info = json::object();
  for (const char* k : kIndexedInfo)
    if (r.info.contains(k)) info[k] = r.info[k];
  return {{"trial_id", r.id}, {"m", *r.metric}, {"config", r.config}, {"info", info},
          {"attempt", r.attempt}};
}

std::optional<TrialRow> RowFromIndex(const json& j) {
  // A damaged cache line is skipped (its file is parsed again), never fatal.
  if (!j.is_object() || !j.contains("trial_id") || !j["trial_id"].is_number_integer() ||
      !j.contains("m") || !j["m"].is_number() ||
      (j.contains("config") && !j["config"].is_object()) ||
      (j.contains("info") && !j["info"].is_object()) ||
      (j.contains("attempt") && !j["attempt"].is_number_integer()))
    return std::nullopt;
  TrialRow r;
  r.id = j["trial_id"].get<TrialId>();
  r.state = TrialState::kFinished;
  r.metric = j["m"].get<double>();
  r.config = j.value("config", json::object());
  r.info = j.value("info", json::object());
  r.attempt = j.value("attempt", 1);
  return r;
}

TrialRow RowFromRecord(TrialId id, TrialState state, Record&& rec, const std::string& metric) {
  TrialRow r;
  r.id = id;
  r.state = state;
  auto take = [&](const char* key) {
    auto it = rec.find(key);
    return it != rec.end() && it->is_object() ? std::move(*it) : json::object();
  };
  r.config = take("config");
  r.info = take(state == TrialState::kRunning ? "runner" : "additional_info");
  if (auto it = rec.find("attempt"); it != rec.end() && it->is_number_integer()) r.attempt = it->get<int>();
  if (auto it = rec.find(metric); it != rec.end() && it->is_number()) r.metric = it->get<double>();
  if (auto it = rec.find("reason"); it != rec.end() && it->is_string()) r.reason = it->get<std::string>();
  return r;
}

std::vector<fs::path> Segments(const Layout& L) {
  std::vector<fs::path> out;
  boost::system::error_code ec;
  for (fs::directory_iterator it(L.index_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (n.rfind("seg.", 0) == 0 && n.size() > 10 && n.substr(n.size() - 6) == ".jsonl")
      out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Loads finished rows from the index, parses results/ files not in it, and appends a new
// segment (or merges all segments) when anything was new.
std::vector<TrialRow> ScanFinished(const Campaign& campaign) {
  const Layout& L = campaign.layout();
  const std::string& metric = campaign.config().hpo.metric;
  std::vector<TrialId> ids = campaign.List(TrialState::kFinished);
  std::unordered_map<TrialId, TrialRow> known;
  known.reserve(ids.size());
  std::vector<fs::path> segments = Segments(L);
  for (const auto& seg : segments) {
    std::optional<std::string> text;
    try {
      text = ReadFile(seg, kMaxSegmentBytes);
    } catch (const Error& e) {
      Warning(std::string("ignoring index segment: ") + e.what());
    }
    if (!text) continue;  // merged away by another collect: the files are parsed instead
    std::string_view all(*text);
    for (size_t pos = 0; pos < all.size();) {
      size_t nl = all.find('\n', pos);
      if (nl == std::string_view::npos) nl = all.size();
      std::string_view line = all.substr(pos, nl - pos);
      pos = nl + 1;
      auto row = RowFromIndex(json::parse(line.begin(), line.end(), nullptr, false));
      if (row && std::binary_search(ids.begin(), ids.end(), row->id))
        known.emplace(row->id, std::move(*row));
    }
  }
  std::vector<TrialId> todo;
  for (TrialId id : ids)
    if (!known.count(id)) todo.push_back(id);
  // A cold scan reads and parses every result: split it over two threads (the cost is system
  // calls and JSON parsing, both per file and independent).
  struct Part {
    std::vector<TrialRow> rows;
    std::vector<std::string> warnings;
  };
  auto parse = [&](size_t begin, size_t end, Part& part) {
    for (size_t i = begin; i < end; ++i) {
      TrialId id = todo[i];
      std::optional<Record> rec;
      try {
        rec = campaign.Read(TrialState::kFinished, id);
      } catch (const Error& e) {
        part.warnings.push_back(std::string("skipping unreadable result: ") + e.what());
        continue;
      }
      if (!rec) continue;
      TrialRow row = RowFromRecord(id, TrialState::kFinished, std::move(*rec), metric);
      if (!row.metric) {
        part.warnings.push_back(L.trial_file(TrialState::kFinished, id).string() +
                                " has no numeric \"" + metric + "\"; skipped");
        continue;
      }
      part.rows.push_back(std::move(row));
    }
  };
  Part parts[2];
  if (todo.size() >= 512) {
    std::thread second(parse, todo.size() / 2, todo.size(), std::ref(parts[1]));
    parse(0, todo.size() / 2, parts[0]);
    second.join();
  } else {
    parse(0, todo.size(), parts[0]);
  }
  std::vector<TrialRow> fresh;
  for (auto& part : parts) {
    for (const auto& w : part.warnings) Warning(w);
    for (auto& row : part.rows) {
      fresh.push_back(row);
      known.emplace(row.id, std::move(row));
    }
  }
  std::vector<TrialRow> rows;
  rows.reserve(known.size());
  for (auto& [id, row] : known) rows.push_back(std::move(row));
  std::sort(rows.begin(), rows.end(), [](const TrialRow& a, const TrialRow& b) { return a.id < b.id; });

  // The index is a cache: failing to update it costs speed next time, never correctness.
  try {
    if (!fresh.empty() || segments.size() > kMaxSegments) {
      bool merge = segments.size() + 1 > kMaxSegments;
      const std::vector<TrialRow>& out = merge ? rows : fresh;
      std::string text;
      for (const auto& r : out) text += IndexLine(r).dump() + "\n";
      WriteFileAtomic(L.index_segment(UniqueName()), text, Publish::kNoReplace, L.tmp_dir());
      if (merge)
        for (const auto& seg : segments) RemoveFile(seg);
    }
  } catch (const Error& e) {
    Warning(std::string("could not update the results index: ") + e.what());
  }
  return rows;
}

double FileAge(const fs::path& p, double now) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return -1;
  return now - (static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec * 1e-9);
}

// Seconds since the file's inode last changed; a rename sets it (the mtime stays that of
// the write, possibly long before).
double InodeChangeAge(const fs::path& p, double now) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return -1;
  return now - (static_cast<double>(st.st_ctim.tv_sec) + st.st_ctim.tv_nsec * 1e-9);
}

// Publishes `text` unless the file already holds exactly it: a collect with nothing new
// rewrites (and fsyncs) nothing big.
void WriteIfChanged(const fs::path& path, const std::string& text, const fs::path& tmp) {
  try {
    if (auto old = ReadFile(path, text.size()); old && *old == text) return;
  } catch (const Error&) {
    // larger, unreadable or not a regular file: replace it
  }
  WriteFileAtomic(path, text, Publish::kReplace, tmp);
}

bool IsTerminal(const std::string& state) {
  static const std::set<std::string> terminal = {
      "COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "NODE_FAIL", "OUT_OF_MEMORY",
      "PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT"};
  return terminal.count(state.substr(0, state.find(' '))) > 0;
}

// Decides whether a running trial's runner is gone; returns the reason, or "" if alive.
// SLURM's word comes first: a job it reports ended (CANCELLED, TIMEOUT, NODE_FAIL...) has no
// process left, and its state is the reason. Otherwise a slow but alive runner is never
// declared lost: on its own host the pid (with its start time) decides; elsewhere an expired
// lease, and only when SLURM no longer knows the job or cannot be asked.
std::string LostReason(const Campaign& c, TrialId id, const Record& rec,
                       const std::optional<std::map<std::string, JobState>>& jobs, double now) {
  const Layout& L = c.layout();
  json runner = rec.value("runner", json::object());
  std::string job = runner.value("slurm_job_id", "");
  std::string ending;
  if (runner.contains("ending")) {
    const json& e = runner["ending"];
    ending = "; the runner saw " + (e.value("signal", "").empty() ? "its trial " + e.value("trial", "")
                                                                  : e.value("signal", ""));
  }
  if (!job.empty() && jobs) {
    auto it = jobs->find(job);
    if (it != jobs->end()) {
      if (!IsTerminal(it->second.state)) return "";  // pending again (requeued) or running
      std::string why = it->second.state;
      if (!it->second.reason.empty() && it->second.reason != "None")
        why += " (" + it->second.reason + ")";
      return why + ": SLURM job " + job + " ended before the trial recorded a result" + ending;
    }
  }
  double age = FileAge(L.trial_heartbeat(id), now);
  double rec_age = FileAge(L.trial_file(TrialState::kRunning, id), now);
  if (age < 0 || (rec_age >= 0 && rec_age < age)) age = rec_age;
  bool lease_expired = age > c.config().hpo.lease_timeout;
  std::string host = runner.value("host", "");
  long pid = runner.value("pid", 0L);
  bool same_host = !host.empty() && host == HostName() && pid > 0;
  bool runner_gone = lease_expired;
  if (same_host) {
    auto ticks = ProcessStartTicks(static_cast<pid_t>(pid));
    runner_gone = !ticks || (runner.contains("pid_start") &&
                             runner["pid_start"].get<unsigned long long>() != *ticks);
  }
  if (!runner_gone) return "";
  std::string gone = same_host ? "runner pid " + std::to_string(pid) + " on " + host + " is gone"
                               : "no lease renewal for " + std::to_string(static_cast<long>(age)) +
                                     " s" + (host.empty() ? "" : " from " + host);
  if (job.empty()) return "lost: " + gone + ending;
  // A job SLURM could not be asked about might still be requeued: only the lease counts.
  if (!jobs) return lease_expired ? "lost: " + gone + "; SLURM could not be asked about job " + job + ending : "";
  return "lost: " + gone + "; SLURM no longer knows job " + job + ending;
}

std::string CsvField(const json& v) {
  std::string s = v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string Csv(const Campaign& c, const std::vector<TrialRow>& rows) {
  const Config& cfg = c.config();
  std::vector<std::string> names = cfg.space.names();
  std::string out = "trial_id,state," + CsvField(cfg.hpo.metric) +
                    ",training_time,attempt,host,start_time,end_time,reason";
  for (const auto& n : names) out += "," + CsvField(n);
  out += "\n";
  for (const auto& r : rows) {
    if (r.state != TrialState::kFinished && r.state != TrialState::kFailed) continue;
    out += std::to_string(r.id) + "," + StateName(r.state) + ",";
    if (r.metric) out += json(*r.metric).dump();
    for (const char* k : {"training_time", "attempt", "host", "start_time", "end_time"})
      out += "," + CsvField(r.info.value(k, json()));
    out += "," + CsvField(r.reason);
    for (const auto& n : names) out += "," + CsvField(r.config.value(n, json()));
    out += "\n";
  }
  return out;
}

}  // namespace

bool Better(double a, double b, Mode mode) { return mode == Mode::kMin ? a < b : a > b; }

std::vector<TrialRow> ScanCampaign(const Campaign& campaign) {
  const std::string& metric = campaign.config().hpo.metric;
  // Trials move on while the folders are listed one after the other. Listing them in the
  // order trials go through them (pending, running, failed, then results) means a trial that
  // moves on during the scan is seen twice (the later state wins) instead of not at all.
  std::map<TrialState, std::vector<TrialId>> listed;
  for (TrialState s : {TrialState::kPending, TrialState::kRunning, TrialState::kFailed})
    listed[s] = campaign.List(s);
  std::vector<TrialRow> rows = ScanFinished(campaign);
  std::set<TrialId> seen;
  for (const auto& r : rows) seen.insert(r.id);
  for (TrialState s : {TrialState::kFailed, TrialState::kRunning, TrialState::kPending}) {
    for (TrialId id : listed[s]) {
      if (!seen.insert(id).second) continue;  // a higher-precedence copy exists
      TrialState at = s;
      std::optional<Record> rec;
      // A record that vanished between the listing and the reading has moved on: read it
      // where it is now (a few tries, for a trial passing through several folders).
      for (int tries = 0; tries < 3 && at != TrialState::kPending && !rec; ++tries) {
        try {
          rec = campaign.Read(at, id);
        } catch (const Error& e) {
          Warning(std::string("skipping unreadable record: ") + e.what());
          break;
        }
        if (!rec) {
          auto now_at = campaign.Find(id);
          if (!now_at) break;
          at = *now_at;
        }
      }
      if (at == TrialState::kPending) {
        TrialRow r;
        r.id = id;
        r.state = at;
        rows.push_back(r);
      } else if (rec) {
        rows.push_back(RowFromRecord(id, at, std::move(*rec), metric));
      }
    }
  }
  std::sort(rows.begin(), rows.end(), [](const TrialRow& a, const TrialRow& b) { return a.id < b.id; });
  return rows;
}

CollectSummary Collect(const Campaign& campaign, const CollectOptions& options) {
  const Layout& L = campaign.layout();
  const Config& cfg = campaign.config();
  CollectSummary sum;
  double now = NowSeconds();

  // 1. Settle running trials: finish interrupted moves, drop copies that a higher-precedence
  //    state already holds, and fail trials whose runner is gone.
  std::vector<TrialId> running = campaign.List(TrialState::kRunning);
  std::vector<std::pair<TrialId, Record>> live;
  std::vector<std::string> job_ids;
  for (TrialId id : running) {
    std::optional<Record> rec;
    try {
      rec = campaign.Read(TrialState::kRunning, id);
    } catch (const Error& e) {
      Warning(std::string("unreadable running record left alone: ") + e.what());
      continue;
    }
    if (!rec) continue;
    // A runner claims a trial by renaming pending/ -> running/ and records itself just after,
    // so for a moment the claimed record still says "pending". Moving it back then would let
    // a second runner claim it while the first runs it; only a claim older than the lease is
    // an interrupted one (the runner died in between, or was stopped while giving it back).
    if (rec->value("state", "") == StateName(TrialState::kPending) &&
        InodeChangeAge(L.trial_file(TrialState::kRunning, id), now) < cfg.hpo.lease_timeout)
      continue;
    if (CompleteInterruptedMove(campaign, TrialState::kRunning, id, *rec)) continue;
    std::string job = rec->value("/runner/slurm_job_id"_json_pointer, std::string());
    if (!job.empty()) job_ids.push_back(job);
    live.emplace_back(id, std::move(*rec));
  }
  std::optional<std::map<std::string, JobState>> jobs;
  if (!job_ids.empty() && options.slurm) jobs = options.slurm->Query(job_ids);
  for (auto& [id, rec] : live) {
    std::string reason = LostReason(campaign, id, rec, jobs, now);
    if (reason.empty()) continue;
    rec["state"] = "failed";
    rec["reason"] = reason;
    json info = rec.value("runner", json::object());
    rec.erase("runner");
    info["attempt"] = rec.value("attempt", 1);
    rec["additional_info"] = info;
    if (!rec.contains("history")) rec["history"] = json::array();
    rec["history"].push_back({{"attempt", rec.value("attempt", 1)}, {"state", "failed"},
                              {"reason", reason}, {"end_time", now}});
    // Re-check: the runner may have published in the meantime; never clobber that.
    if (campaign.Find(id) != TrialState::kRunning) continue;
    campaign.Write(TrialState::kRunning, id, rec);
    campaign.Move(id, TrialState::kRunning, TrialState::kFailed);
    ++sum.lost;
    Warning("trial " + std::to_string(id) + ": " + reason);
  }

  for (TrialId id : campaign.List(TrialState::kFailed)) {
    try {
      if (auto rec = campaign.Read(TrialState::kFailed, id))
        CompleteInterruptedMove(campaign, TrialState::kFailed, id, *rec);
    } catch (const Error& e) {
      Warning(std::string("unreadable failed record left alone: ") + e.what());
    }
  }

  // Temp files of writers killed mid-write are never read; drop those older than a day (a
  // write takes milliseconds, so nothing alive is that old).
  {
    boost::system::error_code ec;
    for (fs::directory_iterator it(L.tmp_dir(), ec), end; !ec && it != end; it.increment(ec)) {
      double age = FileAge(it->path(), now);
      if (age > 86400 && !fs::is_symlink(it->path())) RemoveFile(it->path());
    }
  }

  // 2. Scan.
  sum.rows = ScanCampaign(campaign);
  for (TrialState s : kAllStates) sum.counts[s] = 0;
  for (const auto& r : sum.rows) {
    ++sum.counts[r.state];
    sum.n_trials = std::max<std::int64_t>(sum.n_trials, r.id + 1);
    if (r.state == TrialState::kFinished && r.metric &&
        (!sum.best_metric || Better(*r.metric, *sum.best_metric, cfg.hpo.mode))) {
      sum.best_metric = r.metric;
      sum.best_id = r.id;
      sum.best_config = r.config;
    }
  }
  if (!options.write_outputs) return sum;

  // 3. Outputs, each published atomically.
  json counts = json::object();
  for (TrialState s : kAllStates) counts[StateName(s)] = sum.counts[s];
  json final_results = {
      {"best_config", sum.best_id ? sum.best_config : json()},
      {"best_error", sum.best_metric ? json(*sum.best_metric) : json()},
      {"best_trial_id", sum.best_id ? json(*sum.best_id) : json()},
      {"metric", cfg.hpo.metric},
      {"mode", cfg.hpo.mode == Mode::kMin ? "min" : "max"},
      {"n_trials", sum.n_trials},
      {"counts", counts},
      {"updated_at", NowSeconds()}};
  WriteFileAtomic(L.final_results(), final_results.dump(2) + "\n", Publish::kReplace, L.tmp_dir());
  if (sum.best_id)
    WriteIfChanged(L.best_config(), sum.best_config.dump(2) + "\n", L.tmp_dir());
  WriteIfChanged(L.results_csv(), Csv(campaign, sum.rows), L.tmp_dir());
  return sum;
}

std::string FormatSummary(const Campaign& campaign, const CollectSummary& s) {
  std::ostringstream out;
  out << campaign.layout().root().string() << ": " << s.n_trials << " trials: "
      << s.counts.at(TrialState::kFinished) << " finished, " << s.counts.at(TrialState::kRunning)
      << " running, " << s.counts.at(TrialState::kPending) << " pending, "
      << s.counts.at(TrialState::kFailed) << " failed";
  if (s.lost) out << " (" << s.lost << " newly settled as failed)";
  out << "\n";
  if (s.best_id)
    out << "best " << campaign.config().hpo.metric << " " << json(*s.best_metric).dump()
        << " (trial " << *s.best_id << "): " << s.best_config.dump() << "\n";
  else
    out << "no finished trial yet\n";
  return out.str();
}

}  // namespace hpo
