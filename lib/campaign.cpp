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
#include "json_parse.hpp"
#include "paths.hpp"
#include "version.hpp"

namespace hpo {
namespace {

using nlohmann::json;

}  // namespace

double NowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

fs::path ConfigDir(const Config& config) { return NormalPath(fs::path(config.file).parent_path()); }

namespace {
// The campaign directory itself must not be a symlink (the tools refuse to follow one
// anywhere in a campaign); the message names the real path to use instead.
void RefuseSymlinkedRoot(const fs::path& root) {
  struct stat st;
  if (::lstat(root.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return;
  boost::system::error_code ec;
  fs::path real = fs::canonical(root, ec);
  if (ec) {
    throw UsageError(root.string() + ": is a symlink to " + fs::read_symlink(root, ec).string() +
                     ", which does not exist; name a real directory as the campaign directory "
                     "(hpo.output_dir)");
  }
  throw UsageError(root.string() + ": is a symlink; the tools use a campaign directory only by "
                   "its real path: use the real path " + real.string() +
                   " (as hpo.output_dir, or on the command line)");
}

// What a directory is to the tools. A campaign is a directory whose campaign.json is an
// identity written by hpo-submit; the tools adopt only a directory that does not exist, is
// empty, or holds nothing but the tools' own folders, empty (a creation interrupted before
// campaign.json was written: folders are created first, campaign.json is the commit point,
// see Create). Anything else is a user's directory, and is never written into.
enum class DirKind { kMissing, kEmpty, kHalfCreated, kCampaign, kForeign };
struct DirState {
  DirKind kind;
  std::string example;  // kForeign: an entry that is not the tools' ("notes.txt", "tmp/x")
};

bool IsIdentity(const nlohmann::json& j) {
  return j.is_object() && j.contains("fingerprint") && j["fingerprint"].is_string();
}

std::optional<nlohmann::json> ReadIdentity(const Layout& layout) {
  auto text = ReadFile(layout.identity_file(), 1 << 20);
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!IsIdentity(j)) return std::nullopt;
  return j;
}

// The first entry of `dir` that a half-created campaign cannot hold: anything in a folder
// except, in tmp/, the tools' temp files; "" when there is none.
std::string ForeignEntryIn(const fs::path& dir, bool temps_allowed) {
  boost::system::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!(temps_allowed && IsTempFileName(name) && fs::is_regular_file(it->symlink_status())))
      return dir.filename().string() + "/" + name;
  }
  if (ec) return dir.filename().string() + "/";
  return "";
}

DirState Classify(const Layout& layout) {
  const fs::path& root = layout.root();
  struct stat st;
  if (::lstat(root.c_str(), &st) != 0) {
    if (errno == ENOENT) return {DirKind::kMissing, ""};
    throw Error("failed to stat " + root.string() + ": " + ErrnoText(errno));
  }
  if (!S_ISDIR(st.st_mode))
    throw UsageError(root.string() + ": exists and is not a directory; set hpo.output_dir to a "
                     "directory that does not exist yet (hpo-submit creates it)");
  bool has_identity = false;
  try {
    has_identity = ReadIdentity(layout).has_value();
  } catch (const Error&) {
    // (not a regular file, a symlink...: not an identity)
  }
  if (has_identity) return {DirKind::kCampaign, ""};
  const auto& folders = Layout::FolderNames();
  size_t entries = 0;
  boost::system::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    ++entries;
    std::string name = it->path().filename().string();
    bool folder = std::find(folders.begin(), folders.end(), name) != folders.end() &&
                  fs::is_directory(it->symlink_status());
    if (!folder) return {DirKind::kForeign, name};
    std::string inside = ForeignEntryIn(it->path(), it->path() == layout.tmp_dir());
    if (!inside.empty()) return {DirKind::kForeign, inside};
  }
  if (ec) throw Error("failed to list " + root.string() + ": " + ec.message());
  return {entries == 0 ? DirKind::kEmpty : DirKind::kHalfCreated, ""};
}

// What a second submission may not change without --force besides the space, seed and
// method (the fingerprint): what is measured and how it is judged. Results recorded under
// another metric, mode, command or trial environment are not comparable with new ones.
// The rest (slurm resources and set-up, n_trials, max_concurrent_jobs, max_attempts,
// leases) is how trials are run, and the newest submission's applies.
std::vector<std::string> MeasuredChanges(const Config& frozen, const Config& next) {
  std::vector<std::string> out;
  auto quote = [](const std::string& s) { return "'" + s + "'"; };
  if (frozen.hpo.metric != next.hpo.metric)
    out.push_back("hpo.metric " + quote(frozen.hpo.metric) + " -> " + quote(next.hpo.metric));
  if (frozen.hpo.mode != next.hpo.mode)
    out.push_back(std::string("hpo.mode ") + (frozen.hpo.mode == Mode::kMin ? "min -> max" : "max -> min"));
  if (frozen.trial.command != next.trial.command)
    out.push_back("trial.command " + quote(frozen.trial.command_text) + " -> " +
                  quote(next.trial.command_text));
  auto a = frozen.trial.env, b = next.trial.env;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  if (a != b) out.push_back("trial.env");
  if (frozen.pruner.Describe() != next.pruner.Describe())
    out.push_back("pruner " + frozen.pruner.Describe() + " -> " + next.pruner.Describe());
  return out;
}

std::string Joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

nlohmann::json NewIdentity(const Config& config, const fs::path& workdir) {
  return {{"fingerprint", config.Fingerprint()},
          {"workdir", fs::absolute(workdir).string()},
          {"config_dir", ConfigDir(config).string()},
          {"created", NowSeconds()},
          {"version", kVersion}};
}

}  // namespace

Campaign::Campaign(Layout layout, Config config, fs::path workdir)
    : layout_(std::move(layout)), config_(std::move(config)), workdir_(std::move(workdir)) {}

Campaign Campaign::Open(const fs::path& dir) {
  Layout layout(NormalPath(dir));  // (paths.hpp: symlinks kept)
  const std::string root = layout.root().string();
  RefuseSymlinkedRoot(layout.root());
  // Nothing is created or written before the directory is known to be a campaign.
  std::optional<nlohmann::json> identity;
  try {
    identity = ReadIdentity(layout);
  } catch (const Error&) {
    // (not a regular file, a symlink...: not an identity; Classify says what it is)
  }
  switch (identity ? DirKind::kCampaign : Classify(layout).kind) {
    case DirKind::kCampaign:
      break;
    case DirKind::kMissing:
      throw UsageError(root + ": not a campaign directory (it does not exist); hpo-submit "
                              "creates it (hpo.output_dir), or check the path");
    case DirKind::kHalfCreated:
      throw UsageError(root + ": not a campaign directory yet: its creation by hpo-submit was "
                              "interrupted; run hpo-submit again");
    case DirKind::kEmpty:
    case DirKind::kForeign:
      throw UsageError(root + ": not a campaign directory (no campaign.json written by "
                              "hpo-submit); the tools work only in a directory hpo-submit "
                              "created: check the path");
  }
  auto text = ReadFile(layout.config_file(), 1 << 20);
  if (!text)
    throw UsageError(root + ": the campaign's creation was interrupted before its config was "
                            "frozen (no campaign.yaml); run hpo-submit again to finish it");
  Config config = ParseConfig(*text, layout.config_file().string());
  fs::path workdir = layout.root();
  if (identity->contains("workdir") && (*identity)["workdir"].is_string())
    workdir = (*identity)["workdir"].get<std::string>();
  fs::path config_dir;
  if (identity->contains("config_dir") && (*identity)["config_dir"].is_string())
    config_dir = (*identity)["config_dir"].get<std::string>();
  for (const auto& f : layout.Folders()) EnsureDirectory(f);
  Campaign c(std::move(layout), std::move(config), workdir);
  c.config_dir_ = config_dir.empty() ? workdir : config_dir;  // (campaigns made before it)
  return c;
}

// Creating a campaign: the folders first, then campaign.json (published without replacing:
// the commit point; of two concurrent submissions exactly one writes it), then campaign.yaml
// (also without replacing: the first one written is the frozen config, and every other
// submission is compared with it). A crash before campaign.json leaves only the tools' own
// empty folders, which the next hpo-submit adopts (Classify: half-created); a crash between
// the two files leaves an identity without a config, which Open refuses and the next
// hpo-submit completes. No temp directory and rename: that cannot work for "." or a mount
// point, and would leave hidden folders beside the campaign after a crash.
Campaign Campaign::Create(const Config& config, const fs::path& dir, const fs::path& workdir,
                          Force force) {
  Layout layout(NormalPath(dir));  // (paths.hpp: symlinks kept)
  const std::string root = layout.root().string();
  RefuseSymlinkedRoot(layout.root());
  DirState state = Classify(layout);
  if (state.kind == DirKind::kForeign)
    throw UsageError(root + ": not empty and not a campaign (it holds '" + state.example +
                     "' and no campaign.json); the tools never write into a directory they did "
                     "not create: set hpo.output_dir to a new or empty directory, e.g. " +
                     (layout.root() / "hpo_results").string());
  for (const auto& f : layout.Folders()) EnsureDirectory(f);
  const nlohmann::json identity = NewIdentity(config, workdir);
  auto replace_identity = [&] {  // (--force with another space, seed or method)
    WriteFileAtomic(layout.identity_file(), identity.dump(2) + "\n", Publish::kReplace,
                    layout.tmp_dir());
  };
  bool created = state.kind != DirKind::kCampaign &&
                 WriteFileAtomic(layout.identity_file(), identity.dump(2) + "\n",
                                 Publish::kNoReplace, layout.tmp_dir()) == Outcome::kDone;
  bool same_space = true;
  if (!created) {
    auto old = ReadIdentity(layout);
    same_space = old && (*old)["fingerprint"] == config.Fingerprint();
    if (!same_space && force == Force::kNo)
      throw UsageError(root + ": this campaign was created with another space, seed or method "
                       "(frozen in " + layout.config_file().string() + "); use another "
                       "hpo.output_dir, or pass --force to add these trials anyway");
  }
  auto frozen = ReadFile(layout.config_file(), 1 << 20);
  if (!frozen) {
    // A new campaign, or one whose creation stopped before its config was frozen (no trial
    // can have been recorded yet).
    if (WriteFileAtomic(layout.config_file(), config.text, Publish::kNoReplace, layout.tmp_dir()) ==
        Outcome::kDone) {
      if (!same_space)
        replace_identity();
      return Open(layout.root());
    }
    frozen = ReadFile(layout.config_file(), 1 << 20);  // another submission froze it first
    if (!frozen) throw Error(layout.config_file().string() + ": vanished while being read");
  }
  if (*frozen != config.text) {
    std::vector<std::string> changes;
    try {
      changes = MeasuredChanges(ParseConfig(*frozen, layout.config_file().string()), config);
    } catch (const Error& e) {
      // Edited by hand, or written by a version that took keys this one refuses: what it
      // measures is unknown, so only --force replaces it.
      if (force == Force::kNo)
        throw UsageError(std::string(e.what()) + " (the campaign's frozen config); fix it, or "
                         "pass --force to replace it with " + config.file);
    }
    if (!changes.empty() && force == Force::kNo)
      throw UsageError(root + ": this config changes what the campaign measures (" +
                       Joined(changes) + ", frozen in " + layout.config_file().string() +
                       "); results recorded so far would not be comparable: use another "
                       "hpo.output_dir, or pass --force to change it (earlier results stay "
                       "counted; those without the new metric are listed without a value)");
    if (!same_space)
      replace_identity();
    // Nothing that is measured changed (or --force): the newest settings apply to what is
    // submitted next.
    WriteFileAtomic(layout.config_file(), config.text, Publish::kReplace, layout.tmp_dir());
  } else if (!same_space) {
    replace_identity();
  }
  return Open(layout.root());
}

bool Campaign::AddPending(TrialId id, const nlohmann::json& trial_config) {
  if (Find(id)) return false;
  return WriteFileAtomic(layout_.trial_file(TrialState::kPending, id),
                         NewPendingRecord(id, trial_config).dump() + "\n",
                         Publish::kNoReplace, layout_.tmp_dir()) == Outcome::kDone;
}

size_t Campaign::AddPendingBatch(const std::vector<std::pair<TrialId, nlohmann::json>>& trials) {
  std::vector<std::pair<fs::path, std::string>> files;
  for (const auto& [id, cfg] : trials) {
    if (Find(id)) continue;
    files.emplace_back(layout_.trial_file(TrialState::kPending, id),
                       NewPendingRecord(id, cfg).dump() + "\n");
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
  // Records are the tools' own output: a repeated key is taken as nlohmann and the fast
  // scanner of hpo-collect both take it (the last one counts); depth is bounded.
  ParsedJson parsed = ParseJson(*text, DuplicateKeys::kLastWins);
  bool too_deep = !parsed.ok() && parsed.problem.rfind("not valid JSON", 0) != 0;
  if (std::string problem = too_deep ? parsed.problem : RecordProblem(parsed.value);
      !problem.empty())
    throw Error(p.string() + ": not a trial record (" + problem + ")");
  return std::move(parsed.value);
}

void Campaign::Write(TrialState state, TrialId id, const Record& record) const {
  WriteFileAtomic(layout_.trial_file(state, id), record.dump() + "\n", Publish::kReplace,
                  layout_.tmp_dir());
}

Outcome Campaign::Move(TrialId id, TrialState from, TrialState to, Durability durability) const {
  fs::path src = layout_.trial_file(from, id), dst = layout_.trial_file(to, id);
  if (to == TrialState::kFinished) return MoveFileNoReplace(src, dst);
  if (to == TrialState::kPruned) {
    // Campaigns made before early stopping have no pruned/ yet.
    boost::system::error_code ec;
    fs::create_directory(layout_.state_dir(to), ec);
    return MoveFileNoReplace(src, dst);
  }
  return MoveFile(src, dst, durability);
}

std::optional<TrialState> Campaign::Find(TrialId id) const {
  for (TrialState s : {TrialState::kFinished, TrialState::kPruned, TrialState::kFailed,
                       TrialState::kRunning, TrialState::kPending}) {
    struct stat st;
    if (::lstat(layout_.trial_file(s, id).c_str(), &st) == 0) return s;
  }
  return std::nullopt;
}

}  // namespace hpo
