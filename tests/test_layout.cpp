// Every on-disk name is built and parsed in layout.cpp: table-driven round trips (leveldb's
// filename_test.cc), and the names a reader must never take for a trial.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "atomic_file.hpp"
#include "layout.hpp"

namespace {

using hpo::Layout;
using hpo::TrialId;
using hpo::TrialState;
namespace fs = boost::filesystem;

}  // namespace

TEST_SUITE_BEGIN("unit");
TEST_CASE("trial file names round trip") {
  struct Case {
    TrialId id;
    const char* name;
  };
  const Case cases[] = {{0, "trial_0.json"},
                        {1, "trial_1.json"},
                        {9, "trial_9.json"},
                        {10, "trial_10.json"},
                        {4096, "trial_4096.json"},
                        {123456789, "trial_123456789.json"},
                        {hpo::kMaxTrialId, "trial_999999999999.json"}};
  for (const Case& c : cases) {
    CAPTURE(std::string(c.name));
    CHECK(hpo::TrialFileName(c.id) == c.name);
    REQUIRE(hpo::ParseTrialFileName(c.name).has_value());
    CHECK(*hpo::ParseTrialFileName(c.name) == c.id);
  }
  for (TrialId id = 0; id < 20000; ++id)
    REQUIRE(hpo::ParseTrialFileName(hpo::TrialFileName(id)) == id);
}

TEST_CASE("names that are not trial files are rejected") {
  const char* bad[] = {
      "",
      "trial_",
      "trial_.json",
      "trial_01.json",  // one spelling per id
      "trial_00.json",
      "trial_-1.json",
      "trial_+1.json",
      "trial_ 1.json",
      "trial_1 .json",
      "trial_1a.json",
      "trial_0x10.json",
      "trial_1.json.tmp",  // a temp name
      ".trial_1.json.tmp.host.12.0.abc",
      "trial_1.json.host.12.0.abc",
      "trial_1.jso",
      "trial_1.JSON",
      "Trial_1.json",
      "trial-1.json",
      "trial_1",
      "trial_1.json/",
      "../trial_1.json",
      "x/trial_1.json",
      "pending/trial_1.json",
      "trial_1000000000000.json",  // kMaxTrialId + 1
      "trial_9999999999999.json",
      "trial_99999999999999999999999.json",  // overflows int64
      "trial_1.5.json",
      "trial_1e3.json",
      "trial_\xd9\xa1.json",  // Arabic-Indic digit one
  };
  for (const char* name : bad) {
    CAPTURE(std::string(name));
    CHECK_FALSE(hpo::ParseTrialFileName(name).has_value());
  }
  CHECK_FALSE(hpo::ParseTrialFileName(std::string_view("trial_1\0.json", 13)).has_value());
}

TEST_CASE("submission record names round trip") {
  Layout layout("/camp");
  for (const char* job : {"1", "123456", "4242_7", "0"}) {
    CAPTURE(std::string(job));
    fs::path p = layout.submission_record(job);
    CHECK(p.parent_path() == layout.slurm_dir());
    CHECK(p.filename().string() == std::string("job_") + job + ".json");
    CHECK(hpo::ParseSubmissionRecordName(p.filename().string()) == std::string(job));
  }
  for (const char* bad : {"", "job_.json", "job_1.jsonx", "job_1.json.tmp", "job_a1.json",
                          "job_../1.json", "job_1/2.json", "job_-1.json", "jobs_1.json", "job_1",
                          "trial_1.json", ".job_1.json.tmp.h.1.2.ab"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(hpo::ParseSubmissionRecordName(bad).has_value());
  }
}

TEST_CASE("state names round trip") {
  for (TrialState s : hpo::kAllStates) {
    CAPTURE(std::string(hpo::StateName(s)));
    CHECK(hpo::ParseStateName(hpo::StateName(s)) == s);
  }
  CHECK(std::string(hpo::StateName(TrialState::kFinished)) == "finished");
  CHECK_FALSE(hpo::ParseStateName("Pending").has_value());
  CHECK_FALSE(hpo::ParseStateName("results").has_value());
  CHECK_FALSE(hpo::ParseStateName("").has_value());
}

TEST_CASE("layout paths stay inside the campaign directory") {
  Layout layout("/scratch/camp");
  CHECK(layout.trial_file(TrialState::kPending, 7) ==
        fs::path("/scratch/camp/pending/trial_7.json"));
  CHECK(layout.trial_file(TrialState::kRunning, 7) ==
        fs::path("/scratch/camp/running/trial_7.json"));
  // Finished trials live in results/, the seed's folder name.
  CHECK(layout.trial_file(TrialState::kFinished, 7) ==
        fs::path("/scratch/camp/results/trial_7.json"));
  CHECK(layout.trial_file(TrialState::kFailed, 7) == fs::path("/scratch/camp/failed/trial_7.json"));
  CHECK(layout.trial_dir(7) == fs::path("/scratch/camp/trials/trial_7"));
  CHECK(layout.trial_config(7) == fs::path("/scratch/camp/trials/trial_7/config.json"));
  CHECK(layout.trial_result(7) == fs::path("/scratch/camp/trials/trial_7/result.json"));
  CHECK(layout.slurm_script(3) == fs::path("/scratch/camp/slurm/array_3.sbatch"));
  CHECK(layout.final_results() == fs::path("/scratch/camp/final_results.json"));
  CHECK(layout.best_config() == fs::path("/scratch/camp/best_config.json"));

  std::vector<fs::path> folders = layout.Folders();
  for (fs::path want :
       {layout.root(), layout.tmp_dir(), layout.state_dir(TrialState::kPending),
        layout.state_dir(TrialState::kRunning), layout.state_dir(TrialState::kFinished),
        layout.state_dir(TrialState::kFailed), layout.trials_dir(), layout.slurm_dir()}) {
    CAPTURE(want.string());
    CHECK(std::find(folders.begin(), folders.end(), want) != folders.end());
  }
  for (const fs::path& f : folders) {
    CAPTURE(f.string());
    CHECK(f.string().rfind("/scratch/camp", 0) == 0);
  }
  // The state folders are distinct, so a rename between two of them is a state change.
  std::vector<fs::path> states;
  for (TrialState s : hpo::kAllStates) states.push_back(layout.state_dir(s));
  std::sort(states.begin(), states.end());
  CHECK(std::adjacent_find(states.begin(), states.end()) == states.end());
}

TEST_CASE("every trial file name parses back from its full path") {
  Layout layout("relative/camp");
  for (TrialState s : hpo::kAllStates)
    for (TrialId id : {TrialId{0}, TrialId{42}, hpo::kMaxTrialId}) {
      fs::path p = layout.trial_file(s, id);
      CHECK(p.parent_path() == layout.state_dir(s));
      CHECK(hpo::ParseTrialFileName(p.filename().string()) == id);
    }
}

TEST_CASE("index segment names are told from everything else in .index/") {
  hpo::Layout L("/c");
  for (const std::string unique : {std::string("vm.12.0.ab12"), hpo::UniqueName()}) {
    std::string name = L.index_segment(unique).filename().string();
    CHECK(L.index_segment(unique).parent_path() == L.index_dir());
    CHECK(hpo::IsIndexSegmentName(name));
    CHECK_FALSE(hpo::IsOldIndexSegmentName(name));
  }
  CHECK(hpo::IsOldIndexSegmentName("seg.vm.1.2.3.jsonl"));
  CHECK_FALSE(hpo::IsIndexSegmentName("seg.vm.1.2.3.jsonl"));
  // Only names the tools make: a user's "seg.x.tsv" is neither read nor removed.
  for (const char* other : {"seg..tsv", "seg.tsv", "segx.tsv", "seg.a.tsv.tmp", "notes.txt", "", ".tsv",
                            "seg.x.tsv", "seg.other.tsv", "seg.old.jsonl", "seg.vm.1.2.xyz.tsv"}) {
    INFO("name: " << other);
    CHECK_FALSE(hpo::IsIndexSegmentName(other));
    CHECK_FALSE(hpo::IsOldIndexSegmentName(other));
  }
}

TEST_CASE("the tools' own entries of a campaign are told from a user's, by canonical path") {
  const fs::path root = "/c/camp";
  struct Case {
    const char* path;
    const char* entry;  // "" = not the tools'
  };
  const Case cases[] = {
      {"/c/camp/results/trial_0.json", "results"}, {"/c/camp/results", "results"},
      {"/c/camp/pending/x.html", "pending"},       {"/c/camp/running/a/b", "running"},
      {"/c/camp/failed/x", "failed"},              {"/c/camp/tmp/page.html", "tmp"},
      {"/c/camp/trials/trial_3/result.json", "trials"}, {"/c/camp/slurm/x", "slurm"},
      {"/c/camp/.index/x", ".index"},              {"/c/camp/campaign.yaml", "campaign.yaml"},
      {"/c/camp/campaign.json", "campaign.json"},  {"/c/camp/final_results.json", "final_results.json"},
      {"/c/camp/best_config.json", "best_config.json"}, {"/c/camp/results.csv", "results.csv"},
      {"/c/camp/Makefile", "Makefile"},            {"/c/camp/report.html", ""},
      {"/c/camp/other.html", ""},                  {"/c/camp", ""},
      {"/c/camp2/results/x", ""},                  {"/c/other/campaign.yaml", ""},
      {"/c/camp/mine/campaign.yaml", ""},          {"/c/camp/results.csv.bak", ""},
      {"/elsewhere.html", ""},
  };
  for (const auto& k : cases) {
    CAPTURE(k.path);
    auto entry = hpo::OwnEntryOf(root, k.path);
    CHECK(entry.value_or("") == k.entry);
  }
}

TEST_CASE("retry claim names are told from everything else in tmp/") {
  hpo::Layout L("/c");
  CHECK(hpo::IsRetryClaimName(L.retry_claim(7).filename().string()));
  CHECK(L.retry_claim(7).parent_path() == L.tmp_dir());
  for (const char* other : {"retry.", "retry.trial_x.json", "retry.trial_01.json", "trial_7.json", "notes.txt", ""}) {
    CAPTURE(other);
    CHECK_FALSE(hpo::IsRetryClaimName(other));
  }
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("unit");
TEST_CASE("slot names round trip and nothing else parses as a slot") {
  Layout L("/c");
  for (int k : {0, 1, 9, 10, 4096, 999999}) {
    CAPTURE(k);
    CHECK(L.slot_file(k).parent_path() == L.slots_dir());
    CHECK(hpo::ParseSlotName(L.slot_file(k).filename().string()) == k);
  }
  for (const char* bad : {"slot_", "slot_01", "slot_-1", "slot_1.tmp", "slot_x", "slot.1",
                          "trial_1.json", "slot_1234567890", ".slot_1", ""}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(hpo::ParseSlotName(bad).has_value());
  }
}

TEST_CASE("rung names round trip, and nothing else parses as one") {
  for (auto [b, k] : {std::pair{0, 0}, {0, 3}, {2, 1}, {12, 40}}) {
    std::string name = hpo::AshaRungName(b, k);
    CAPTURE(name);
    auto back = hpo::ParseAshaRungName(name);
    REQUIRE(back);
    CHECK(back->first == b);
    CHECK(back->second == k);
  }
  CHECK(hpo::AshaRungName(1, 2) == "bracket_1.rung_2");
  for (const char* bad : {"", "bracket_", "bracket_1", "bracket_1.rung_", "bracket_01.rung_2",
                          "bracket_1.rung_02", "bracket_-1.rung_2", "bracket_1.rung_2x",
                          "bracket_1.rung_2/..", "median.step_3", "rung_1"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(hpo::ParseAshaRungName(bad).has_value());
  }
  CHECK(hpo::MedianStepName(3) == "median.step_3");
  CHECK(hpo::MedianStepName(0.5) == "median.step_0.5");
  CHECK(hpo::MedianStepName(-0.0) == "median.step_0");
  hpo::Layout L("/c");
  CHECK(L.rung_dir(hpo::AshaRungName(0, 1)) == fs::path("/c/rungs/bracket_0.rung_1"));
  CHECK(L.trial_decision(7, hpo::AshaRungName(0, 1)) ==
        fs::path("/c/trials/trial_7/prune/bracket_0.rung_1.json"));
  CHECK(L.state_dir(hpo::TrialState::kPruned) == fs::path("/c/pruned"));
  CHECK(hpo::ParseStateName("pruned") == hpo::TrialState::kPruned);
}
TEST_SUITE_END();
