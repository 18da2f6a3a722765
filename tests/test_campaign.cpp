// The campaign directory: a frozen config and identity, trial records in state folders that
// only ever move by rename, and readers that skip what is not a trial file.
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "config.hpp"
#include "error.hpp"
#include "testing.hpp"

namespace {

using namespace hpo::testing::names;
using hpo::Force;

std::string ConfigText(const std::string& seed = "1", const std::string& method = "random",
                       const std::string& space = "  lr: {loguniform: [1.0e-4, 1.0e-1]}\n",
                       int concurrency = 2) {
  return "space:\n" + space +
         "trial:\n  command: python train.py --config {config_file}\n"
         "hpo:\n  output_dir: camp\n  seed: " +
         seed + "\n  method: " + method +
         "\n  max_concurrent_jobs: " + std::to_string(concurrency) + "\n";
}

hpo::Config Cfg(const std::string& text) {
  return hpo::ParseConfig(text, "hpo.yaml");
}

std::string ErrorOf(const std::function<void()>& f, hpo::ErrorKind* kind = nullptr) {
  try {
    f();
  } catch (const hpo::Error& e) {
    if (kind) *kind = e.kind();
    return e.what();
  }
  return "";
}

// Every entry under `dir` (recursively), with a file's content or "<dir>", "<link>".
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (fs::recursive_directory_iterator it(dir), end; it != end; ++it) {
    std::string rel = it->path().lexically_relative(dir).string();
    if (fs::is_symlink(it->symlink_status())) out[rel] = "<link>";
    else if (fs::is_directory(it->status())) out[rel] = "<dir>";
    else out[rel] = t::ReadText(it->path());
  }
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("Create freezes the config and the identity and Open reads them back") {
  t::ScratchDir dir;
  std::string text = ConfigText();
  Campaign c = Campaign::Create(Cfg(text), dir / "camp", dir / "work", Force::kNo);
  const hpo::Layout& L = c.layout();
  CHECK(L.root() == dir / "camp");
  for (const auto& f : L.Folders()) CHECK(fs::is_directory(f));
  CHECK(t::ReadText(L.config_file()) == text);
  json id = json::parse(t::ReadText(L.identity_file()));
  CHECK(id["fingerprint"] == Cfg(text).Fingerprint());
  CHECK(id["workdir"] == (dir / "work").string());
  CHECK(id["created"].is_number());
  CHECK(id["version"].is_string());
  CHECK(t::ListDir(L.tmp_dir()).empty());

  Campaign o = Campaign::Open(dir / "camp");
  CHECK(o.workdir() == dir / "work");
  CHECK(o.config().text == text);
  CHECK(o.config().hpo.seed == 1);
  CHECK(o.config().Fingerprint() == Cfg(text).Fingerprint());
}

TEST_CASE("a relative campaign directory and workdir are made absolute") {
  t::ScratchDir dir;
  fs::path old = fs::current_path();
  fs::current_path(dir.path());
  Campaign c = Campaign::Create(Cfg(ConfigText()), "camp", ".", Force::kNo);
  fs::current_path(old);
  CHECK(c.layout().root().is_absolute());
  CHECK(fs::equivalent(c.layout().root(), dir / "camp"));
  json id = json::parse(t::ReadText(dir / "camp" / "campaign.json"));
  CHECK(fs::path(id["workdir"].get<std::string>()).is_absolute());
  CHECK(fs::equivalent(id["workdir"].get<std::string>(), dir.path()));
}

TEST_CASE("Open refuses a directory that is not a campaign with a usage error naming it") {
  t::ScratchDir dir;
  hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
  std::string message = ErrorOf([&] { Campaign::Open(dir / "nothing"); }, &kind);
  CHECK(message.find((dir / "nothing").string()) != std::string::npos);
  CHECK(message.find("not a campaign directory") != std::string::npos);
  CHECK(kind == hpo::ErrorKind::kUsage);
}

TEST_CASE("a second Create with the same space and seed passes and takes the newer settings") {
  t::ScratchDir dir;
  Campaign::Create(Cfg(ConfigText("1", "random", "  lr: {loguniform: [1.0e-4, 1.0e-1]}\n", 2)),
                   dir / "camp", dir.path(), Force::kNo);
  std::string id_before = t::ReadText(dir / "camp" / "campaign.json");
  std::string newer = ConfigText("1", "random", "  lr: {loguniform: [1.0e-4, 1.0e-1]}\n", 7);
  Campaign c = Campaign::Create(Cfg(newer), dir / "camp", dir.path(), Force::kNo);
  CHECK(c.config().hpo.max_concurrent_jobs == 7);
  CHECK(t::ReadText(c.layout().config_file()) == newer);
  CHECK(t::ReadText(c.layout().identity_file()) == id_before);  // identity is frozen
}

TEST_CASE(
    "a second Create with another seed or space or method is refused naming the campaign and "
    "--force") {
  t::ScratchDir dir;
  std::string original = ConfigText();
  Campaign::Create(Cfg(original), dir / "camp", dir.path(), Force::kNo);
  const std::string others[] = {
      ConfigText("2"),
      ConfigText("1", "sobol"),
      ConfigText("1", "random", "  lr: {loguniform: [1.0e-4, 1.0]}\n"),
      ConfigText("1", "random", "  lr: {loguniform: [1.0e-4, 1.0e-1]}\n  bs: [16, 32]\n"),
  };
  for (const auto& other : others) {
    CAPTURE(other);
    hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
    std::string message =
        ErrorOf([&] { Campaign::Create(Cfg(other), dir / "camp", dir.path(), Force::kNo); }, &kind);
    CHECK(message.find((dir / "camp").string()) != std::string::npos);
    CHECK(message.find("--force") != std::string::npos);
    CHECK(message.find("another space, seed or method") != std::string::npos);
    CHECK(kind == hpo::ErrorKind::kUsage);
    CHECK(t::ReadText(dir / "camp" / "campaign.yaml") == original);  // nothing replaced
  }
  CHECK(t::ListDir(dir / "camp" / "tmp").empty());
}

TEST_CASE("Create with Force::kYes accepts another seed and records it") {
  t::ScratchDir dir;
  Campaign::Create(Cfg(ConfigText("1")), dir / "camp", dir.path(), Force::kNo);
  std::string other = ConfigText("2");
  Campaign c = Campaign::Create(Cfg(other), dir / "camp", dir.path(), Force::kYes);
  CHECK(c.config().hpo.seed == 2);
  CHECK(t::ReadText(c.layout().config_file()) == other);
  json id = json::parse(t::ReadText(c.layout().identity_file()));
  CHECK(id["fingerprint"] == Cfg(other).Fingerprint());
  // From now on the forced config is the campaign's: the same seed passes without --force.
  CHECK_NOTHROW(Campaign::Create(Cfg(other), dir / "camp", dir.path(), Force::kNo));
}

TEST_CASE("AddPending never duplicates a trial known in any state") {
  t::ScratchDir dir;
  Campaign c = Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo);
  const hpo::Layout& L = c.layout();
  CHECK(c.AddPending(3, {{"lr", 0.01}}));
  json rec = json::parse(t::ReadText(L.trial_file(TrialState::kPending, 3)));
  CHECK(rec == json{{"trial_id", 3},
                    {"state", "pending"},
                    {"config", {{"lr", 0.01}}},
                    {"attempt", 1},
                    {"history", json::array()}});
  CHECK_FALSE(c.AddPending(3, {{"lr", 0.5}}));
  CHECK(json::parse(t::ReadText(L.trial_file(TrialState::kPending, 3)))["config"]["lr"] == 0.01);

  for (TrialState s : {TrialState::kRunning, TrialState::kFinished, TrialState::kFailed}) {
    CAPTURE(hpo::StateName(s));
    TrialId id = 10 + static_cast<TrialId>(s);
    c.Write(s, id, {{"trial_id", id}, {"state", hpo::StateName(s)}, {"config", {{"lr", 1}}}});
    CHECK_FALSE(c.AddPending(id, {{"lr", 0.5}}));
    CHECK_FALSE(fs::exists(L.trial_file(TrialState::kPending, id)));
  }
  CHECK(c.List(TrialState::kPending) == std::vector<TrialId>{3});
  CHECK(t::ListDir(L.tmp_dir()).empty());
}

TEST_CASE("List returns sorted ids and skips temp names and garbage") {
  t::ScratchDir dir;
  Campaign c = Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo);
  fs::path pending = c.layout().state_dir(TrialState::kPending);
  for (const char* name : {"trial_10.json", "trial_2.json", "trial_0.json", "trial_01.json",
                           ".trial_5.json.tmp.host.1.2.abc", "trial_6.json.host.1.2.abc",
                           "trial_-1.json", "trial_.json", "trial_7.JSON", "garbage",
                           "trial_3.json~", "trial_1000000000000.json", "README"})
    t::WriteText(pending / name, "{}");
  CHECK(c.List(TrialState::kPending) == std::vector<TrialId>{0, 2, 10});
  CHECK(c.List(TrialState::kFailed).empty());
}

TEST_CASE(
    "Read returns nullopt for a vanished file and throws naming a file that is not a record") {
  t::ScratchDir dir;
  Campaign c = Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo);
  CHECK_FALSE(c.Read(TrialState::kRunning, 4).has_value());
  c.AddPending(4, {{"lr", 0.1}});
  auto rec = c.Read(TrialState::kPending, 4);
  REQUIRE(rec.has_value());
  CHECK((*rec)["config"]["lr"] == 0.1);

  fs::path p = c.layout().trial_file(TrialState::kFailed, 5);
  for (const char* bad : {"not json", "{\"trial_id\": 5", "[1, 2]", "\"text\"", "", "null"}) {
    CAPTURE(bad);
    t::WriteText(p, bad);
    std::string message = ErrorOf([&] { c.Read(TrialState::kFailed, 5); });
    CHECK(message.find(p.string()) != std::string::npos);
    CHECK(message.find("not a trial record") != std::string::npos);
  }
}

TEST_CASE("Read refuses a record whose fields have the wrong types naming the file and field") {
  t::ScratchDir dir;
  Campaign c = Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo);
  fs::path p = c.layout().trial_file(TrialState::kRunning, 6);
  struct Case {
    const char* text;
    const char* field;
  };
  const Case cases[] = {
      {R"({"trial_id": "6"})", "trial_id: expected an integer"},
      {R"({"state": 3})", "state: expected a string"},
      {R"({"attempt": "two"})", "attempt: expected an integer"},
      {R"({"attempt": 1.5})", "attempt: expected an integer"},
      {R"({"config": [1]})", "config: expected an object"},
      {R"({"history": {}})", "history: expected an array"},
      {R"({"reason": null})", "reason: expected a string"},
      {R"({"runner": "n1:42"})", "runner: expected an object"},
      {R"({"additional_info": 1})", "additional_info: expected an object"},
      {R"({"runner": {"pid": "42"}})", "runner.pid: expected an integer"},
      {R"({"runner": {"host": 1}})", "runner.host: expected a string"},
      {R"({"runner": {"slurm_job_id": 77}})", "runner.slurm_job_id: expected a string"},
      {R"({"runner": {"pid_start": "x"}})", "runner.pid_start: expected an integer"},
      {R"({"runner": {"ending": {"signal": 15}}})", "runner.ending.signal: expected a string"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.text);
    t::WriteText(p, k.text);
    std::string message = ErrorOf([&] { c.Read(TrialState::kRunning, 6); });
    CHECK(message == p.string() + ": not a trial record (" + k.field + ")");
  }
  // A record nested 100,000 deep (200 KB) is refused before it is built, not a crash.
  t::WriteText(p, R"({"trial_id": 6, "config": {"x": )" + std::string(100000, '[') +
                      std::string(100000, ']') + "}}");
  CHECK(ErrorOf([&] { c.Read(TrialState::kRunning, 6); }).find("nested deeper than 128 levels") !=
        std::string::npos);
  // Every field a runner writes, with its type, passes; unknown fields are kept as they are.
  Record good = {{"trial_id", 6},
                 {"state", "running"},
                 {"attempt", 2},
                 {"config", {{"lr", 0.1}}},
                 {"history", json::array()},
                 {"mine", {1, "x"}},
                 {"runner",
                  {{"host", "n1"},
                   {"pid", 42},
                   {"pid_start", 18446744073709551615ULL},
                   {"start_time", 1.5},
                   {"restart_count", 0},
                   {"slurm_job_id", "77"},
                   {"slurm_array_job_id", "70"},
                   {"slurm_array_task_id", "7"},
                   {"ending", {{"time", 2.5}, {"signal", ""}, {"trial", "exit code 1"}}}}}};
  c.Write(TrialState::kRunning, 6, good);
  CHECK(c.Read(TrialState::kRunning, 6).value() == good);
}

TEST_CASE("Write replaces a record atomically and leaves no temp behind") {
  t::ScratchDir dir;
  Campaign c = Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo);
  c.Write(TrialState::kRunning, 1, {{"trial_id", 1}, {"state", "running"}});
  c.Write(TrialState::kRunning, 1, {{"trial_id", 1}, {"state", "finished"}});
  CHECK(c.Read(TrialState::kRunning, 1).value()["state"] == "finished");
  CHECK(t::ListDir(c.layout().tmp_dir()).empty());
  CHECK(t::ListDir(c.layout().state_dir(TrialState::kRunning)) ==
        std::vector<std::string>{"trial_1.json"});
}

TEST_CASE("Find prefers finished over failed over running over pending") {
  t::ScratchDir dir;
  Campaign c = Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo);
  CHECK_FALSE(c.Find(8).has_value());
  const TrialState order[] = {TrialState::kPending, TrialState::kRunning, TrialState::kFailed,
                              TrialState::kFinished};
  for (TrialState s : order) {
    c.Write(s, 8, {{"trial_id", 8}, {"state", hpo::StateName(s)}});
    CHECK(c.Find(8) == s);  // each newly added state outranks the ones before
  }
  for (TrialState s : {TrialState::kFinished, TrialState::kFailed, TrialState::kRunning}) {
    hpo::RemoveFile(c.layout().trial_file(s, 8));
    CHECK(c.Find(8) != s);
  }
  CHECK(c.Find(8) == TrialState::kPending);
}

TEST_CASE("a result is never overwritten by a move into results") {
  t::ScratchDir dir;
  Campaign c = Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo);
  c.Write(TrialState::kFinished, 2, {{"trial_id", 2}, {"error", 0.1}});
  c.Write(TrialState::kRunning, 2, {{"trial_id", 2}, {"error", 0.9}});
  CHECK(c.Move(2, TrialState::kRunning, TrialState::kFinished) == hpo::Outcome::kExists);
  CHECK(c.Read(TrialState::kFinished, 2).value()["error"] == 0.1);
  CHECK(c.Read(TrialState::kRunning, 2).value()["error"] == 0.9);
  // Other moves replace (a stale copy in failed/ is superseded by the newer record).
  c.Write(TrialState::kFailed, 3, {{"trial_id", 3}, {"v", "old"}});
  c.Write(TrialState::kRunning, 3, {{"trial_id", 3}, {"v", "new"}});
  CHECK(c.Move(3, TrialState::kRunning, TrialState::kFailed) == hpo::Outcome::kDone);
  CHECK(c.Read(TrialState::kFailed, 3).value()["v"] == "new");
  CHECK(c.Move(3, TrialState::kRunning, TrialState::kFailed) == hpo::Outcome::kMissing);
}

TEST_CASE("a campaign is created only in a new, empty or half-created directory, never over other files") {
  struct Case {
    const char* what;
    std::vector<std::pair<std::string, std::string>> files;  // name -> text ("/" ending: a folder)
    bool created;
  };
  const Case cases[] = {
      {"a missing directory", {}, true},
      {"an empty directory", {{"", ""}}, true},
      {"the tools' own folders, empty (creation interrupted)",
       {{"tmp/", ""}, {"pending/", ""}, {"results/", ""}, {".index/", ""}}, true},
      {"a user's file", {{"notes.txt", "mine"}}, false},
      {"a user's hidden file", {{".bashrc", "mine"}}, false},
      {"a user's folder", {{"src/", ""}}, false},
      {"a results folder with a record", {{"results/trial_0.json", "{\"my\":1}"}}, false},
      {"a tmp folder with a user's file", {{"tmp/notes.txt", "x"}}, false},
      {"a campaign.yaml alone", {{"campaign.yaml", "space: {}\n"}}, false},
      {"a campaign.json that is not an identity", {{"campaign.json", "{\"my\":1}"}}, false},
  };
  for (const auto& k : cases) {
    CAPTURE(k.what);
    t::ScratchDir dir;
    fs::path camp = dir / "p";
    for (const auto& [name, text] : k.files) {
      if (name.empty() || name.back() == '/') fs::create_directories(camp / name);
      else {
        fs::create_directories((camp / name).parent_path());
        t::WriteText(camp / name, text);
      }
    }
    auto before = Snapshot(camp);
    hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
    std::string message = ErrorOf(
        [&] { Campaign::Create(Cfg(ConfigText()), camp, dir.path(), Force::kNo); }, &kind);
    if (k.created) {
      CHECK(message == "");
      CHECK(fs::exists(camp / "campaign.json"));
      CHECK_NOTHROW(Campaign::Open(camp));
    } else {
      CHECK(kind == hpo::ErrorKind::kUsage);
      CHECK(message.find(camp.string()) != std::string::npos);
      CHECK(message.find("not empty and not a campaign") != std::string::npos);
      CHECK(message.find("hpo.output_dir") != std::string::npos);  // says what to change
      CHECK(Snapshot(camp) == before);                             // nothing written or removed
      // --force is about the config of a campaign, never about adopting a foreign folder.
      CHECK(ErrorOf([&] { Campaign::Create(Cfg(ConfigText()), camp, dir.path(), Force::kYes); }) != "");
      CHECK(Snapshot(camp) == before);
    }
  }
}

TEST_CASE("every tool's Open refuses a directory that is not a campaign and writes nothing into it") {
  t::ScratchDir dir;
  struct Case {
    const char* what;
    std::vector<std::pair<std::string, std::string>> files;
    const char* says;
  };
  const Case cases[] = {
      {"an empty directory", {}, "not a campaign directory"},
      {"a user's folder", {{"notes.txt", "mine"}}, "not a campaign directory"},
      {"a campaign.yaml alone", {{"campaign.yaml", ConfigText()}}, "not a campaign directory"},
      {"a campaign.json that is not an identity",
       {{"campaign.yaml", ConfigText()}, {"campaign.json", "[1]"}}, "not a campaign directory"},
  };
  int n = 0;
  for (const auto& k : cases) {
    CAPTURE(k.what);
    fs::path d = dir / ("d" + std::to_string(n++));
    fs::create_directories(d);
    for (const auto& [name, text] : k.files) t::WriteText(d / name, text);
    auto before = Snapshot(d);
    hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
    std::string message = ErrorOf([&] { Campaign::Open(d); }, &kind);
    CHECK(kind == hpo::ErrorKind::kUsage);
    CHECK(message.find(d.string()) != std::string::npos);
    CHECK(message.find(k.says) != std::string::npos);
    CHECK(Snapshot(d) == before);
  }
}

TEST_CASE("a campaign whose creation was interrupted is completed by the next Create") {
  t::ScratchDir dir;
  fs::path camp = dir / "camp";
  // Killed after the identity, before the frozen config: Open says to run hpo-submit again,
  // and Create finishes the campaign.
  Campaign::Create(Cfg(ConfigText()), camp, dir.path(), Force::kNo);
  fs::remove(camp / "campaign.yaml");
  hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
  std::string message = ErrorOf([&] { Campaign::Open(camp); }, &kind);
  CHECK(kind == hpo::ErrorKind::kUsage);
  CHECK(message.find("hpo-submit again") != std::string::npos);
  Campaign c = Campaign::Create(Cfg(ConfigText()), camp, dir.path(), Force::kNo);
  CHECK(t::ReadText(camp / "campaign.yaml") == ConfigText());
  // Killed while creating the folders, a temp file of the identity left in tmp/.
  fs::path half = dir / "half";
  fs::create_directories(half / "tmp");
  fs::create_directories(half / "pending");
  t::WriteText(half / "tmp" / hpo::TempFileName("campaign.json"), "{");
  CHECK_NOTHROW(Campaign::Create(Cfg(ConfigText()), half, dir.path(), Force::kNo));
  CHECK_NOTHROW(Campaign::Open(half));
}

TEST_CASE("a second Create that changes what is measured is refused without --force") {
  auto with = [](const std::string& from, const std::string& to) {
    std::string s = ConfigText();
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::pair<std::string, std::string> changes[] = {
      {"hpo.metric", with("hpo:\n", "hpo:\n  metric: accuracy\n")},
      {"hpo.mode", with("hpo:\n", "hpo:\n  mode: max\n")},
      {"trial.command", with("train.py", "train2.py")},
      {"trial.env", with("trial:\n", "trial:\n  env: {DATASET: cifar100}\n")},
  };
  for (const auto& [key, other] : changes) {
    CAPTURE(key);
    t::ScratchDir dir;
    std::string original = ConfigText();
    Campaign::Create(Cfg(original), dir / "camp", dir.path(), Force::kNo);
    hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
    std::string message =
        ErrorOf([&] { Campaign::Create(Cfg(other), dir / "camp", dir.path(), Force::kNo); }, &kind);
    CHECK(kind == hpo::ErrorKind::kUsage);
    CHECK(message.find(key) != std::string::npos);
    CHECK(message.find("--force") != std::string::npos);
    CHECK(t::ReadText(dir / "camp" / "campaign.yaml") == original);
    // --force takes it, and from then on it is the campaign's.
    Campaign c = Campaign::Create(Cfg(other), dir / "camp", dir.path(), Force::kYes);
    CHECK(t::ReadText(dir / "camp" / "campaign.yaml") == other);
    CHECK_NOTHROW(Campaign::Create(Cfg(other), dir / "camp", dir.path(), Force::kNo));
  }
}

TEST_CASE("settings that do not change what is measured may change between submissions") {
  t::ScratchDir dir;
  Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo);
  std::string other = ConfigText() +
                      "  n_trials: 99\n  max_attempts: 3\nslurm:\n  partition: gpu\n  mem: 64G\n"
                      "  env_setup: module load cuda\n";
  Campaign c = Campaign::Create(Cfg(other), dir / "camp", dir.path(), Force::kNo);
  CHECK(c.config().hpo.n_trials == 99);
  CHECK(c.config().slurm.partition == "gpu");
  CHECK(t::ReadText(dir / "camp" / "campaign.yaml") == other);
}

TEST_CASE("a symlinked campaign directory is refused naming the real path to use") {
  t::ScratchDir dir;
  fs::create_directories(dir / "real");
  fs::create_symlink(dir / "real", dir / "link");
  hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
  std::string message = ErrorOf(
      [&] { Campaign::Create(Cfg(ConfigText()), dir / "link", dir.path(), Force::kNo); }, &kind);
  CHECK(message.find("symlink") != std::string::npos);
  CHECK(message.find("use the real path " + fs::canonical(dir / "real").string()) != std::string::npos);
  CHECK(kind == hpo::ErrorKind::kUsage);
  CHECK(t::ListDir(dir / "real").empty());
  Campaign::Create(Cfg(ConfigText()), dir / "real", dir.path(), Force::kNo);
  message = ErrorOf([&] { Campaign::Open(dir / "link"); });
  CHECK(message.find("use the real path " + fs::canonical(dir / "real").string()) != std::string::npos);
}

TEST_CASE("a frozen config that cannot be read is replaced only with --force") {
  t::ScratchDir dir;
  Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo);
  t::WriteText(dir / "camp" / "campaign.yaml", "space: [\n");
  hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
  std::string message =
      ErrorOf([&] { Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kNo); }, &kind);
  CHECK(kind == hpo::ErrorKind::kUsage);
  CHECK(message.find("campaign.yaml") != std::string::npos);
  CHECK(message.find("--force") != std::string::npos);
  CHECK(t::ReadText(dir / "camp" / "campaign.yaml") == "space: [\n");
  CHECK_NOTHROW(Campaign::Create(Cfg(ConfigText()), dir / "camp", dir.path(), Force::kYes));
  CHECK(t::ReadText(dir / "camp" / "campaign.yaml") == ConfigText());
}

TEST_SUITE_END();
