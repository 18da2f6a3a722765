// A campaign directory: the frozen config, and trial records moved between state folders
// by atomic rename (Maildir). No process holds state that a crash could lose.
// Every trial file holds one JSON record (record.hpp: its schema and transitions).
#pragma once

#include <boost/filesystem/path.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "atomic_file.hpp"
#include "config.hpp"
#include "layout.hpp"
#include "record.hpp"

namespace hpo {

// Whether an existing campaign may take a config with another space, seed or method, or
// one that changes what is measured (metric, mode, trial command or environment).
enum class Force { kNo, kYes };

// Largest trial record read (a config with huge values is refused, never half-read).
inline constexpr std::uint64_t kMaxRecordBytes = 16 << 20;

// Seconds since the epoch, with sub-second precision.
double NowSeconds();

// The folder of the config file `config` was read from, absolute: what {config_dir} in
// trial.command stands for.
fs::path ConfigDir(const Config& config);

class Campaign {
 public:
  // Opens the campaign at `dir` (reads its frozen config). Throws a usage Error, writing
  // nothing, when `dir` is not a campaign (its campaign.json is not an identity hpo-submit
  // wrote), its creation was interrupted, or it is a symlink (naming the real path).
  static Campaign Open(const fs::path& dir);

  // Creates the campaign for `config` at `dir` (usually config.hpo.output_dir), freezing the
  // config and `workdir` (where trial commands run). Only a directory that does not exist,
  // is empty, or holds nothing but the tools' own empty folders (a creation that was
  // interrupted) becomes a campaign; any other directory that is not a campaign is refused
  // with a usage Error, `force` or not, and nothing is written into it. If it is a campaign
  // already, opens it and refuses (unless `force`) a config whose space, seed or method, or
  // whose metric, mode, trial command or trial environment differ from the frozen one; other
  // settings (slurm, n_trials, max_concurrent_jobs, ...) are taken from `config`.
  static Campaign Create(const Config& config, const fs::path& dir, const fs::path& workdir,
                         Force force);

  const Layout& layout() const { return layout_; }
  const Config& config() const { return config_; }
  // Directory the trial commands run in (absolute).
  const fs::path& workdir() const { return workdir_; }
  // Folder of the config file the campaign was created from (absolute): {config_dir}.
  const fs::path& config_dir() const { return config_dir_; }

  // Records trial `id` as pending with `trial_config` unless it is known in any state.
  // Returns true when it was added.
  bool AddPending(TrialId id, const nlohmann::json& trial_config);

  // The same for many trials, with one flush for all of them (PublishNewFiles). Returns how
  // many were added.
  size_t AddPendingBatch(const std::vector<std::pair<TrialId, nlohmann::json>>& trials);

  // Trial ids in one state folder, sorted. Names that are not trial files are skipped.
  std::vector<TrialId> List(TrialState state) const;

  // Reads a record; nullopt when the file vanished (moved by another process). Throws an
  // Error naming the file when it is not a JSON object, or when a field that readers use
  // (state, attempt, config, history, reason, runner.pid, ...) has another type.
  std::optional<Record> Read(TrialState state, TrialId id) const;

  // Atomically replaces the record of `id` in `state` (temp in tmp/, rename).
  void Write(TrialState state, TrialId id, const Record& record) const;

  // Moves a trial file between state folders; never replaces a file at the target when
  // `to` is finished (a result is never overwritten). Returns the outcome.
  Outcome Move(TrialId id, TrialState from, TrialState to,
               Durability durability = Durability::kSync) const;

  // The state folder a trial is in (highest precedence if in several), or nullopt.
  std::optional<TrialState> Find(TrialId id) const;

 private:
  Campaign(Layout layout, Config config, fs::path workdir);
  Layout layout_;
  Config config_;
  fs::path workdir_;
  fs::path config_dir_;
};

}  // namespace hpo
