#include "campaign.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "atomic_file.hpp"
#include "error.hpp"
#include "version.hpp"

namespace hpo {
namespace {

using nlohmann::json;

struct TypedField {
  const char* key;
  bool (*ok)(const json&);
  const char* want;
};

bool IsInteger(const json& v) {
  return v.is_number_integer();
}
bool IsNumber(const json& v) {
  return v.is_number();
}
bool IsString(const json& v) {
  return v.is_string();
}
bool IsObject(const json& v) {
  return v.is_object();
}
bool IsArray(const json& v) {
  return v.is_array();
}

// The fields that readers (collect, retry, the runner) convert to a type. A record holding
// something else there (hand-edited, or written by another tool) is refused here as
// unreadable, naming the field, instead of throwing a JSON type error deep inside a reader:
// that error stopped every hpo-collect of the campaign.
const TypedField kRecordFields[] = {
    {"trial_id", IsInteger, "an integer"}, {"state", IsString, "a string"},
    {"attempt", IsInteger, "an integer"},  {"config", IsObject, "an object"},
    {"history", IsArray, "an array"},      {"reason", IsString, "a string"},
    {"runner", IsObject, "an object"},     {"additional_info", IsObject, "an object"}};
const TypedField kRunnerFields[] = {{"host", IsString, "a string"},
                                    {"pid", IsInteger, "an integer"},
                                    {"pid_start", IsInteger, "an integer"},
                                    {"start_time", IsNumber, "a number"},
                                    {"restart_count", IsInteger, "an integer"},
                                    {"slurm_job_id", IsString, "a string"},
                                    {"slurm_array_job_id", IsString, "a string"},
                                    {"slurm_array_task_id", IsString, "a string"},
                                    {"ending", IsObject, "an object"}};
const TypedField kEndingFields[] = {{"signal", IsString, "a string"},
                                    {"trial", IsString, "a string"}};

// "runner.pid: expected an integer", or "" when every field present has its type.
template <size_t N>
std::string FieldProblem(const json& obj, const TypedField (&fields)[N],
                         const std::string& prefix) {
  for (const auto& f : fields) {
    auto it = obj.find(f.key);
    if (it != obj.end() && !f.ok(*it)) return prefix + f.key + ": expected " + f.want;
  }
  return "";
}

std::string RecordProblem(const json& j) {
  if (!j.is_object()) return "expected a JSON object";
  std::string p = FieldProblem(j, kRecordFields, "");
  if (p.empty() && j.contains("runner")) p = FieldProblem(j["runner"], kRunnerFields, "runner.");
  if (p.empty() && j.contains("runner") && j["runner"].contains("ending"))
    p = FieldProblem(j["runner"]["ending"], kEndingFields, "runner.ending.");
  return p;
}

}  // namespace

double NowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

namespace {
// Absolute and without "." or ".." parts ("make -C DIR" runs tools on "."), but symlinks in
// the path are kept as the user wrote them.
fs::path CanonicalRoot(const fs::path& dir) {
  fs::path p = fs::absolute(dir).lexically_normal();
  std::string s = p.string();
  while (s.size() > 1 && (s.back() == '/' || (s.size() > 2 && s.compare(s.size() - 2, 2, "/.") == 0)))
    s.pop_back();
  return s;
}
}  // namespace

fs::path ConfigDir(const Config& config) {
  return fs::absolute(fs::path(config.file).parent_path()).lexically_normal();
}

Campaign::Campaign(Layout layout, Config config, fs::path workdir)
    : layout_(std::move(layout)), config_(std::move(config)), workdir_(std::move(workdir)) {}

Campaign Campaign::Open(const fs::path& dir) {
  Layout layout(CanonicalRoot(dir));
  auto text = ReadFile(layout.config_file(), 1 << 20);
  if (!text)
    throw UsageError(dir.string() + ": not a campaign directory (no campaign.yaml); create it "
                                    "with hpo-submit, or check the path");
  Config config = ParseConfig(*text, layout.config_file().string());
  fs::path workdir = layout.root();
  fs::path config_dir;
  if (auto id = ReadFile(layout.identity_file(), 1 << 20)) {
    auto j = nlohmann::json::parse(*id, nullptr, false);
    if (j.is_object() && j.contains("workdir") && j["workdir"].is_string())
      workdir = j["workdir"].get<std::string>();
    if (j.is_object() && j.contains("config_dir") && j["config_dir"].is_string())
      config_dir = j["config_dir"].get<std::string>();
  }
  for (const auto& f : layout.Folders()) EnsureDirectory(f);
  Campaign c(std::move(layout), std::move(config), workdir);
  c.config_dir_ = config_dir.empty() ? workdir : config_dir;  // (campaigns made before it)
  return c;
}

Campaign Campaign::Create(const Config& config, const fs::path& dir, const fs::path& workdir,
                          Force force) {
  Layout layout(CanonicalRoot(dir));
  for (const auto& f : layout.Folders()) EnsureDirectory(f);
  nlohmann::json identity = {{"fingerprint", config.Fingerprint()},
                             {"workdir", fs::absolute(workdir).string()},
                             {"config_dir", ConfigDir(config).string()},
                             {"created", NowSeconds()},
                             {"version", kVersion}};
  Publish mode = force == Force::kYes ? Publish::kReplace : Publish::kNoReplace;
  if (WriteFileAtomic(layout.identity_file(), identity.dump(2) + "\n", mode, layout.tmp_dir()) ==
      Outcome::kExists) {
    auto text = ReadFile(layout.identity_file(), 1 << 20);
    auto old = nlohmann::json::parse(text.value_or(""), nullptr, false);
    if (!old.is_object() || old.value("fingerprint", "") != config.Fingerprint()) {
      throw UsageError(
          layout.root().string() + ": this campaign was created with another space, seed or "
          "method (frozen in " + layout.config_file().string() + "); use another "
          "hpo.output_dir, or pass --force to add these trials anyway");
    }
  }
  // Same space, seed and method: the rest (slurm settings, concurrency, command) may change
  // between submissions, and the newest applies to what is submitted next.
  WriteFileAtomic(layout.config_file(), config.text, Publish::kReplace, layout.tmp_dir());
  Campaign c = Open(layout.root());
  return c;
}

bool Campaign::AddPending(TrialId id, const nlohmann::json& trial_config) {
  if (Find(id)) return false;
  Record r = {{"trial_id", id}, {"state", "pending"}, {"config", trial_config},
              {"attempt", 1}, {"history", nlohmann::json::array()}};
  return WriteFileAtomic(layout_.trial_file(TrialState::kPending, id), r.dump() + "\n",
                         Publish::kNoReplace, layout_.tmp_dir()) == Outcome::kDone;
}

size_t Campaign::AddPendingBatch(const std::vector<std::pair<TrialId, nlohmann::json>>& trials) {
  std::vector<std::pair<fs::path, std::string>> files;
  for (const auto& [id, cfg] : trials) {
    if (Find(id)) continue;
    Record r = {{"trial_id", id}, {"state", "pending"}, {"config", cfg},
                {"attempt", 1}, {"history", nlohmann::json::array()}};
    files.emplace_back(layout_.trial_file(TrialState::kPending, id), r.dump() + "\n");
  }
  return PublishNewFiles(files, layout_.tmp_dir());
}

std::vector<TrialId> Campaign::List(TrialState state) const {
  // readdir(3) rather than a directory_iterator: a finished campaign lists 100,000 names,
  // and building a path object for each costs more than reading them.
  std::vector<TrialId> ids;
  const fs::path dir = layout_.state_dir(state);
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return ids;
    throw Error("failed to list " + dir.string() + ": " + std::strerror(errno));
  }
  for (;;) {
    errno = 0;
    const struct dirent* e = ::readdir(d);
    if (!e) break;
    if (auto id = ParseTrialFileName(e->d_name)) ids.push_back(*id);
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) throw Error("failed to list " + dir.string() + ": " + std::strerror(err));
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::optional<Record> Campaign::Read(TrialState state, TrialId id) const {
  fs::path p = layout_.trial_file(state, id);
  auto text = ReadFile(p, kMaxRecordBytes);
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (std::string problem = RecordProblem(j); !problem.empty())
    throw Error(p.string() + ": not a trial record (" + problem + ")");
  return j;
}

void Campaign::Write(TrialState state, TrialId id, const Record& record) const {
  WriteFileAtomic(layout_.trial_file(state, id), record.dump() + "\n", Publish::kReplace,
                  layout_.tmp_dir());
}

Outcome Campaign::Move(TrialId id, TrialState from, TrialState to, Durability durability) const {
  fs::path src = layout_.trial_file(from, id), dst = layout_.trial_file(to, id);
  if (to == TrialState::kFinished) return MoveFileNoReplace(src, dst);
  return MoveFile(src, dst, durability);
}

std::optional<TrialState> Campaign::Find(TrialId id) const {
  for (TrialState s : {TrialState::kFinished, TrialState::kFailed, TrialState::kRunning,
                       TrialState::kPending}) {
    struct stat st;
    if (::lstat(layout_.trial_file(s, id).c_str(), &st) == 0) return s;
  }
  return std::nullopt;
}

}  // namespace hpo
