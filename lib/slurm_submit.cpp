#include "slurm_submit.hpp"

#include <algorithm>
#include <cctype>
#include <boost/filesystem/operations.hpp>
#include <ostream>
#include <set>
#include <sstream>

#include "atomic_file.hpp"
#include "error.hpp"
#include "process.hpp"
#include "slurm_query.hpp"
#include "templates.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

using nlohmann::json;

class RealSbatch : public Sbatch {
 public:
  std::string Submit(const std::vector<std::string>& args) override {
    std::vector<std::string> argv = {"sbatch", "--parsable"};
    argv.insert(argv.end(), args.begin(), args.end());
    Captured c = RunSlurm(argv, kSbatchTimeout);
    if (!c.exit.ok() || c.out.empty())
      throw Error("sbatch refused the job (" + c.exit.Describe() + "): " + SlurmMessage(c));
    std::string id = c.out.substr(0, c.out.find_first_of(";\n"));
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
      throw Error("sbatch printed an unexpected job id: " + c.out);
    return id;
  }
  long MaxArraySize() override {
    try {
      Captured c = RunSlurm({"scontrol", "show", "config"});
      if (!c.exit.ok()) throw Error("scontrol show config failed (" + c.exit.Describe() + "): " + SlurmMessage(c));
      std::istringstream in(c.out);
      std::string line;
      while (std::getline(in, line)) {
        if (line.rfind("MaxArraySize", 0) != 0) continue;
        size_t eq = line.find('=');
        if (eq != std::string::npos) return std::stol(line.substr(eq + 1));
      }
    } catch (const std::exception& e) {
      Warning(std::string("could not read MaxArraySize: ") + e.what() + "; assuming 1001");
    }
    return 1001;
  }
};

std::string SbatchLines(const SlurmSection& s) {
  std::string out;
  auto line = [&](const std::string& opt, const std::string& v) {
    if (!v.empty()) out += "#SBATCH --" + opt + "=" + v + "\n";
  };
  line("partition", s.partition);
  line("time", s.time);
  line("mem", s.mem);
  line("cpus-per-task", std::to_string(s.cpus_per_task));
  if (s.gpus > 0) line("gres", "gpu:" + std::to_string(s.gpus));
  line("account", s.account);
  line("qos", s.qos);
  line("constraint", s.constraint);
  for (const auto& e : s.extra) out += "#SBATCH " + e + "\n";
  if (!out.empty()) out.pop_back();
  return out;
}

// The chained hpo-collect job: where the campaign's jobs may run and be charged (sites refuse
// jobs without the account or qos they require), and a short limit of its own instead of the
// trials' (it takes seconds; a short job also starts sooner).
std::string CollectSbatchLines(const SlurmSection& s) {
  std::string out;
  for (const auto& [opt, v] : {std::pair<std::string, std::string>{"partition", s.partition},
                               {"account", s.account}, {"qos", s.qos}, {"time", kCollectJobTime}})
    if (!v.empty()) out += "#SBATCH --" + opt + "=" + v + "\n";
  if (!out.empty()) out.pop_back();
  return out;
}

std::string Comment(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

std::string Tool(const std::string& dir, const std::string& name) { return dir + "/" + name; }

}  // namespace

std::unique_ptr<Sbatch> MakeSbatch() { return std::make_unique<RealSbatch>(); }

std::vector<SubmissionRecord> ReadSubmissionRecords(const Layout& L) {
  std::vector<SubmissionRecord> out;
  boost::system::error_code ec;
  for (boost::filesystem::directory_iterator it(L.slurm_dir(), ec), end; !ec && it != end;
       it.increment(ec)) {
    auto job = ParseSubmissionRecordName(it->path().filename().string());
    if (!job) continue;
    auto j = json::parse(ReadFile(it->path(), 64 << 20).value_or(""), nullptr, false);
    if (!j.is_object()) continue;
    SubmissionRecord r;
    r.job_id = *job;
    r.kind = j.value("kind", "");
    r.offset = j.value("offset", TrialId{0});
    if (j.contains("trial_ids") && j["trial_ids"].is_array())
      r.trial_ids = j["trial_ids"].get<std::vector<TrialId>>();
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const SubmissionRecord& a, const SubmissionRecord& b) {
    return a.job_id.size() != b.job_id.size() ? a.job_id.size() < b.job_id.size() : a.job_id < b.job_id;
  });
  return out;
}

std::string IndexRanges(const std::vector<TrialId>& idx) {
  std::string out;
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && idx[j + 1] == idx[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(idx[i]);
    if (j > i) out += "-" + std::to_string(idx[j]);
    i = j + 1;
  }
  return out;
}

std::vector<ArrayPlan> PlanArrays(std::vector<TrialId> ids, long max_array_size) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<ArrayPlan> plans;
  long m = std::max(2L, max_array_size);
  for (size_t i = 0; i < ids.size();) {
    ArrayPlan p;
    p.offset = ids[i];  // start each array at its first id: indices 0..m-1 from there
    std::vector<TrialId> idx;
    while (i < ids.size() && ids[i] - p.offset < m) {
      p.ids.push_back(ids[i]);
      idx.push_back(ids[i] - p.offset);
      ++i;
    }
    p.indices = IndexRanges(idx);
    plans.push_back(std::move(p));
  }
  return plans;
}

std::string DefaultJobName(std::string_view folder) {
  constexpr size_t kMaxChars = 40;
  std::string name = "hpo";
  if (folder.empty()) return name;
  name += '-';
  for (char ch : folder.substr(0, kMaxChars)) {
    bool plain = std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
    name += plain ? ch : '_';
  }
  return name;
}

std::string JobName(const Campaign& c) {
  const std::string& configured = c.config().slurm.job_name;
  if (!configured.empty()) return configured;
  return DefaultJobName(c.layout().root().filename().string());
}

std::string RenderArrayScript(const Campaign& c, TrialId offset, const std::string& tools_dir) {
  const SlurmSection& s = c.config().slurm;
  std::map<std::string, std::string> vars = {
      {"campaign_comment", Comment(c.layout().root().string())},
      {"sbatch_lines", SbatchLines(s)},
      {"signal_grace", std::to_string(s.signal_grace)},
      {"env_setup", ShellQuote(s.env_setup)},
      {"runner", ShellQuote(Tool(tools_dir, "hpo-run"))},
      {"campaign", ShellQuote(c.layout().root().string())},
      {"offset", std::to_string(offset)}};
  return RenderTemplate(LoadTemplate("array.sbatch.in"), vars, "array.sbatch.in");
}

std::vector<std::string> ArraySbatchArgs(const Campaign& c, const ArrayPlan& plan,
                                         const std::string& script, const std::string& after) {
  std::vector<std::string> args = {
      "--array=" + plan.indices + "%" + std::to_string(c.config().hpo.max_concurrent_jobs),
      "--job-name=" + JobName(c),
      "--output=" + c.layout().slurm_log_pattern().string(),
      "--chdir=" + c.workdir().string()};
  if (!after.empty()) args.push_back("--dependency=afterany:" + after);
  args.push_back(script);
  return args;
}

QueuedWork FindQueuedWork(const Campaign& c) {
  QueuedWork out;
  out.unsubmitted = c.List(TrialState::kPending);
  std::vector<SubmissionRecord> arrays;
  for (auto& r : ReadSubmissionRecords(c.layout()))
    if (r.kind == "array") arrays.push_back(std::move(r));
  if (arrays.empty()) return out;
  auto source = MakeSlurmJobStateSource();
  if (!source) return out;
  std::vector<std::string> ids;
  for (const auto& a : arrays) ids.push_back(a.job_id);
  auto states = source->Query(ids);  // one squeue call; one line per array task
  if (!states) return out;
  // Tasks of this campaign's arrays that SLURM still holds cover their trials: do not submit
  // them twice.
  std::set<TrialId> covered;
  for (const auto& a : arrays) {
    bool active = false;
    const std::string prefix = a.job_id + "_";
    for (auto it = states->lower_bound(prefix); it != states->end() && it->first.rfind(prefix, 0) == 0; ++it) {
      if (!IsActiveJobState(it->second.state)) continue;
      active = true;
      char* end = nullptr;
      long long task = std::strtoll(it->first.c_str() + prefix.size(), &end, 10);
      if (end && *end == '\0') covered.insert(a.offset + task);
    }
    if (active) out.queued_arrays.push_back(a.job_id);
  }
  std::vector<TrialId> left;
  for (TrialId id : out.unsubmitted)
    if (!covered.count(id)) left.push_back(id);
  out.unsubmitted = std::move(left);
  return out;
}

SubmitResult SubmitArrays(const Campaign& c, std::vector<TrialId> ids, Sbatch& sbatch,
                          const SubmitOptions& opt, std::ostream& log) {
  SubmitResult res;
  const Layout& L = c.layout();
  if (ids.empty()) {
    log << "nothing to submit: no pending trial that a queued array does not already cover\n";
    return res;
  }
  long max_size = sbatch.MaxArraySize();
  std::vector<ArrayPlan> plans = PlanArrays(ids, max_size);
  // The campaign's arrays still queued come first: their throttle and the new arrays' must
  // add up to max_concurrent_jobs, not to twice that.
  std::string after;
  for (const auto& job : opt.after_jobs) after += (after.empty() ? "" : ":") + job;
  int n = 0;
  for (const auto& plan : plans) {
    std::string script_text = RenderArrayScript(c, plan.offset, opt.tools_dir);
    fs::path script;
    if (opt.dry_run) {
      script = L.slurm_script(n++);
    } else {
      // A unique script name even when two hpo-submit run at once: never overwrite.
      while (WriteFileAtomic(script = L.slurm_script(n++), script_text, Publish::kNoReplace,
                             L.tmp_dir()) == Outcome::kExists) {
      }
    }
    std::vector<std::string> args = ArraySbatchArgs(c, plan, script.string(), after);
    if (opt.dry_run) {
      log << "# " << script.string() << " (" << plan.ids.size() << " trials, offset "
          << plan.offset << ")\n" << script_text << "\nsbatch --parsable";
      for (const auto& a : args) log << " " << ShellQuote(a);
      log << "\n\n";
      res.array_jobs.push_back("<dry-run>");
      after = "<previous>";
      continue;
    }
    std::string job = sbatch.Submit(args);
    json record = {{"job_id", job}, {"kind", "array"}, {"offset", plan.offset},
                   {"array", plan.indices}, {"trial_ids", plan.ids}, {"script", script.string()},
                   {"submitted_at", NowSeconds()}, {"after", after}};
    WriteFileAtomic(L.submission_record(job), record.dump() + "\n", Publish::kReplace, L.tmp_dir());
    log << "submitted array job " << job << ": " << plan.ids.size() << " trials (ids "
        << plan.ids.front() << ".." << plan.ids.back() << "), at most "
        << c.config().hpo.max_concurrent_jobs << " at once"
        << (after.empty() ? "" : ", after job " + after) << "\n";
    res.array_jobs.push_back(job);
    after = job;
  }
  res.trials = ids.size();
  if (!opt.chain_collect) return res;

  std::string report_line;
  if (FindInPath(Tool(opt.tools_dir, "hpo-report")))
    report_line = ShellQuote(Tool(opt.tools_dir, "hpo-report")) + " " + ShellQuote(L.root().string());
  std::map<std::string, std::string> vars = {
      {"campaign_comment", Comment(L.root().string())},
      {"sbatch_lines", CollectSbatchLines(c.config().slurm)},
      {"collect", ShellQuote(Tool(opt.tools_dir, "hpo-collect")) +
                      (opt.collect_resubmits ? " --resubmit" : "")},
      {"campaign", ShellQuote(L.root().string())},
      {"report", report_line}};
  std::string text = RenderTemplate(LoadTemplate("collect.sbatch.in"), vars, "collect.sbatch.in");
  fs::path script = L.collect_script();
  std::vector<std::string> args = {"--job-name=" + JobName(c) + "-collect",
                                   "--output=" + L.collect_log_pattern().string(),
                                   "--chdir=" + c.workdir().string(),
                                   "--dependency=afterany:" + after, script.string()};
  if (opt.dry_run) {
    log << "# " << script.string() << "\n" << text << "\nsbatch --parsable";
    for (const auto& a : args) log << " " << ShellQuote(a);
    log << "\n";
    return res;
  }
  WriteFileAtomic(script, text, Publish::kReplace, L.tmp_dir());
  res.collect_job = sbatch.Submit(args);
  WriteFileAtomic(L.submission_record(res.collect_job),
                  json({{"job_id", res.collect_job}, {"kind", "collect"}, {"after", after},
                        {"submitted_at", NowSeconds()}}).dump() + "\n",
                  Publish::kReplace, L.tmp_dir());
  log << "submitted hpo-collect job " << res.collect_job << " (afterany:" << after << ")\n";
  return res;
}

}  // namespace hpo
