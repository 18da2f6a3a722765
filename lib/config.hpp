// The campaign configuration (YAML), mirroring the seed's three functions:
// space: get_config_space(), slurm: get_slurm_config(), hpo: get_hpo_config(); plus `trial:`,
// the command that runs one trial.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mode.hpp"
#include "pruner.hpp"
#include "sampler.hpp"
#include "space.hpp"

namespace hpo {

// `trial:` section.
struct TrialSection {
  std::string command_text;          // as written (for messages)
  std::vector<std::string> command;  // argv template; placeholders substituted per element
  std::vector<std::pair<std::string, std::string>> env;  // extra environment (no placeholders)
};

// `slurm:` section (every value becomes an #SBATCH line or the script's set-up line).
struct SlurmSection {
  std::string partition;
  std::string time;          // "HH:MM:SS", "D-HH:MM:SS" or minutes
  std::string mem;           // "16G"
  int cpus_per_task = 1;
  int gpus = 0;
  std::string account, qos, constraint;
  std::string job_name;  // "" = derived from the campaign folder (slurm_submit.hpp JobName)
  std::string env_setup;     // shell line(s) run before the runner (user-written, trusted)
  std::vector<std::string> extra;  // further sbatch options, each "--opt=value"
  int signal_grace = 120;    // seconds of USR2 warning before the time limit
};

// `hpo:` section.
struct HpoSection {
  std::int64_t n_trials = 10;
  int max_concurrent_jobs = 1;
  std::string output_dir = "hpo_results";
  int checkpoint_interval = 5;  // accepted for the seed's configs; every transition is durable
  std::uint64_t seed = 0;
  std::string metric = "error";
  Mode mode = Mode::kMin;
  Method method = Method::kRandom;
  int max_attempts = 1;
  int heartbeat_interval = 30;  // seconds between lease renewals of a running trial
  int lease_timeout = 300;      // seconds without renewal before a trial may be declared lost
};

// `pruner:` section: early stopping (pruner.hpp holds the rules). kind none (the default):
// every trial runs to its end, as without the section.
struct PrunerSection {
  PrunerKind kind = PrunerKind::kNone;
  AshaRule asha;        // kind asha
  int brackets = 1;     // kind asha: Hyperband brackets (1: plain ASHA)
  MedianRule median;    // kind median

  // The settings as compact JSON ({"kind": "asha", "min_resource": 1, ...}): equal texts, the
  // same rule.
  std::string Describe() const;
};

struct Config {
  std::string file;  // where it was read from (for messages)
  std::string text;  // the YAML as read, frozen into the campaign
  Space space;
  TrialSection trial;
  SlurmSection slurm;
  HpoSection hpo;
  PrunerSection pruner;

  // Fingerprint of what decides trial configurations: space, seed, method.
  std::string Fingerprint() const;
};

// The columns results.csv has before one column per parameter, in order ("trial_id", "state",
// the metric, "training_time", ...). A parameter may not take one of these names.
std::vector<std::string> ResultColumns(const std::string& metric);

// Reads and validates a config file. Throws a usage Error "<file>:<line>: <key>: <fix>".
Config LoadConfig(const std::string& path);
// Parses config text; `file` is used in messages only.
Config ParseConfig(const std::string& text, const std::string& file);

// Splits a command line into argv elements with shell-like quoting ('...', "...", \x), but
// never runs a shell. Throws a usage Error on an unterminated quote.
std::vector<std::string> SplitCommand(const std::string& text, const std::string& where);

}  // namespace hpo
