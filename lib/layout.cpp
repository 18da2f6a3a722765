#include "layout.hpp"

#include <algorithm>
#include <charconv>

#include "atomic_file.hpp"

namespace hpo {
namespace {
constexpr std::string_view kTrialPrefix = "trial_";
constexpr std::string_view kJson = ".json";
constexpr std::string_view kJobPrefix = "job_";

bool ParseId(std::string_view digits, TrialId* out) {
  if (digits.empty() || digits.size() > 12) return false;
  if (digits.size() > 1 && digits[0] == '0') return false;  // one spelling per id
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  std::from_chars(digits.data(), digits.data() + digits.size(), *out);
  return *out <= kMaxTrialId;
}
}  // namespace

const char* StateName(TrialState state) {
  switch (state) {
    case TrialState::kPending: return "pending";
    case TrialState::kRunning: return "running";
    case TrialState::kFinished: return "finished";
    case TrialState::kFailed: return "failed";
    case TrialState::kPruned: return "pruned";
  }
  return "?";
}

std::optional<TrialState> ParseStateName(std::string_view name) {
  for (TrialState s : kAllStates)
    if (name == StateName(s)) return s;
  return std::nullopt;
}

std::string TrialFileName(TrialId id) { return "trial_" + std::to_string(id) + ".json"; }

std::optional<TrialId> ParseTrialFileName(std::string_view name) {
  if (name.size() <= kTrialPrefix.size() + kJson.size()) return std::nullopt;
  if (name.substr(0, kTrialPrefix.size()) != kTrialPrefix) return std::nullopt;
  if (name.substr(name.size() - kJson.size()) != kJson) return std::nullopt;
  TrialId id = 0;
  if (!ParseId(name.substr(kTrialPrefix.size(), name.size() - kTrialPrefix.size() - kJson.size()),
               &id))
    return std::nullopt;
  return id;
}

Layout::Layout(fs::path root) : root_(std::move(root)) {}

fs::path Layout::state_dir(TrialState state) const {
  switch (state) {
    case TrialState::kPending: return root_ / "pending";
    case TrialState::kRunning: return root_ / "running";
    case TrialState::kFinished: return root_ / "results";  // the seed's name
    case TrialState::kFailed: return root_ / "failed";
    case TrialState::kPruned: return root_ / "pruned";
  }
  return root_;
}

fs::path Layout::trial_file(TrialState state, TrialId id) const {
  return state_dir(state) / TrialFileName(id);
}

fs::path Layout::trial_dir(TrialId id) const {
  return trials_dir() / ("trial_" + std::to_string(id));
}

fs::path Layout::slurm_script(int n) const {
  return slurm_dir() / ("array_" + std::to_string(n) + ".sbatch");
}

fs::path Layout::slot_file(int k) const { return slots_dir() / ("slot_" + std::to_string(k)); }

std::optional<int> ParseSlotName(std::string_view name) {
  constexpr std::string_view kSlot = "slot_";
  if (name.size() <= kSlot.size() || name.size() > kSlot.size() + 9 ||
      name.substr(0, kSlot.size()) != kSlot)
    return std::nullopt;
  TrialId k = 0;
  if (!ParseId(name.substr(kSlot.size()), &k)) return std::nullopt;
  return static_cast<int>(k);
}

fs::path Layout::submission_record(const std::string& job_id) const {
  return slurm_dir() / (std::string(kJobPrefix) + job_id + std::string(kJson));
}

std::optional<std::string> ParseSubmissionRecordName(std::string_view name) {
  if (name.size() <= kJobPrefix.size() + kJson.size()) return std::nullopt;
  if (name.substr(0, kJobPrefix.size()) != kJobPrefix) return std::nullopt;
  if (name.substr(name.size() - kJson.size()) != kJson) return std::nullopt;
  std::string_view id = name.substr(kJobPrefix.size(), name.size() - kJobPrefix.size() - kJson.size());
  for (char c : id)
    if (!(c >= '0' && c <= '9') && c != '_') return std::nullopt;
  return std::string(id);
}

std::vector<fs::path> Layout::Folders() const {
  std::vector<fs::path> out = {root_};
  for (const auto& name : FolderNames()) out.push_back(root_ / name);
  return out;
}

const std::vector<std::string>& Layout::FolderNames() {
  static const Layout L("");
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const fs::path& p : {L.tmp_dir(), L.state_dir(TrialState::kPending),
                              L.state_dir(TrialState::kRunning), L.state_dir(TrialState::kFinished),
                              L.state_dir(TrialState::kFailed), L.state_dir(TrialState::kPruned),
                              L.trials_dir(), L.slurm_dir(), L.index_dir(), L.rungs_dir()})
      out.push_back(p.filename().string());
    return out;
  }();
  return names;
}

const std::vector<std::string>& Layout::OwnFileNames() {
  static const Layout L("");
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const fs::path& p : {L.config_file(), L.identity_file(), L.final_results(),
                              L.best_config(), L.results_csv(), L.makefile()})
      out.push_back(p.filename().string());
    return out;
  }();
  return names;
}

std::optional<std::string> OwnEntryOf(const fs::path& root, const fs::path& path) {
  fs::path rel = path.lexically_relative(root);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return std::nullopt;
  std::string first = rel.begin()->string();
  const auto& folders = Layout::FolderNames();
  const auto& files = Layout::OwnFileNames();
  if (std::find(folders.begin(), folders.end(), first) != folders.end()) return first;
  if (rel == first && std::find(files.begin(), files.end(), first) != files.end()) return first;
  return std::nullopt;
}

bool IsRetryClaimName(std::string_view name) {
  constexpr std::string_view kRetry = "retry.";
  return name.substr(0, kRetry.size()) == kRetry &&
         ParseTrialFileName(name.substr(std::min(name.size(), kRetry.size())));
}

namespace {
bool SegmentName(std::string_view name, std::string_view ext) {
  return name.size() > 4 + ext.size() && name.substr(0, 4) == "seg." &&
         name.substr(name.size() - ext.size()) == ext &&
         IsUniqueName(name.substr(4, name.size() - 4 - ext.size()));
}
}  // namespace

bool IsIndexSegmentName(std::string_view name) { return SegmentName(name, ".tsv"); }

namespace {
constexpr std::string_view kBracket = "bracket_", kRung = ".rung_";

std::optional<int> SmallNumber(std::string_view digits) {
  TrialId n = 0;
  if (digits.size() > 6 || !ParseId(digits, &n)) return std::nullopt;
  return static_cast<int>(n);
}
}  // namespace

std::string AshaRungName(int bracket, int rung) {
  return std::string(kBracket) + std::to_string(bracket) + std::string(kRung) + std::to_string(rung);
}

std::optional<std::pair<int, int>> ParseAshaRungName(std::string_view name) {
  if (name.substr(0, kBracket.size()) != kBracket) return std::nullopt;
  name.remove_prefix(kBracket.size());
  size_t dot = name.find(kRung);
  if (dot == std::string_view::npos) return std::nullopt;
  auto b = SmallNumber(name.substr(0, dot)), k = SmallNumber(name.substr(dot + kRung.size()));
  if (!b || !k) return std::nullopt;
  return std::make_pair(*b, *k);
}

std::string MedianStepName(double step) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, step == 0 ? 0.0 : step);
  return "median.step_" + std::string(buf, r.ptr);
}
bool IsOldIndexSegmentName(std::string_view name) { return SegmentName(name, ".jsonl"); }

}  // namespace hpo
