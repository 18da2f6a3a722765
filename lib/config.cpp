#include "config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

#include "atomic_file.hpp"
#include "command.hpp"
#include "error.hpp"
#include "text_format.hpp"
#include "yaml_util.hpp"

namespace hpo {
namespace {

// A leading "~" or "~/" is the home directory, as a shell would expand it: the config is
// never read by a shell, and a folder named "~" is never what was meant. "~user" is refused.
std::string ExpandHome(const std::string& path, const std::string& where) {
  if (path.empty() || path[0] != '~') return path;
  if (path.size() > 1 && path[1] != '/')
    throw UsageError(where + "'" + path + "': only a leading ~ or ~/ (your home directory) is "
                     "expanded, not ~user; write the directory's full path");
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    throw UsageError(where + "'" + path + "' starts with ~ but HOME is not set; write the "
                     "directory's full path");
  return std::string(home) + path.substr(1);
}

constexpr std::uint64_t kMaxConfigBytes = 1 << 20;

const std::vector<std::string> kTopKeys = {"space", "trial", "slurm", "hpo", "pruner"};
const std::vector<std::string> kTrialKeys = {"command", "env"};
const std::vector<std::string> kSlurmKeys = {
    "partition", "time",       "mem",      "cpus_per_task", "gpus",         "env_setup",
    "account",   "qos",        "constraint", "job_name",    "extra",        "signal_grace"};
const std::vector<std::string> kHpoKeys = {
    "n_trials", "max_concurrent_jobs", "output_dir",   "checkpoint_interval", "seed",
    "metric",   "mode",                "method",       "max_attempts",        "heartbeat_interval",
    "lease_timeout"};

const std::vector<std::string> kPrunerKeys = {
    "kind", "min_resource", "max_resource", "reduction_factor", "min_trials", "brackets",
    "n_startup_trials", "n_warmup_steps"};
const std::vector<std::string> kAshaKeys = {"min_resource", "max_resource", "reduction_factor",
                                            "min_trials", "brackets"};
const std::vector<std::string> kMedianKeys = {"n_startup_trials", "n_warmup_steps"};

void CheckKeys(const YAML::Node& node, const std::vector<std::string>& known,
               const std::string& file, const std::string& section) {
  for (const auto& kv : node) {
    std::string k = kv.first.Scalar();
    bool ok = false;
    for (const auto& n : known) ok |= n == k;
    if (ok) continue;
    std::string hint = DidYouMean(k, known);
    std::string list;
    for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
    throw UsageError(Where(file, kv.first, section.empty() ? k : section + "." + k) +
                     "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                     "; known keys are " + list);
  }
}

std::int64_t GetInt(const YAML::Node& node, const std::string& file, const std::string& key,
                    std::int64_t min, std::int64_t max) {
  nlohmann::json v = IsNumber(node) ? YamlToJson(node) : nlohmann::json();
  if (!v.is_number_integer())
    throw UsageError(Where(file, node, key) + "expected a whole number, got '" +
                     (node.IsScalar() ? node.Scalar() : "<not a scalar>") + "'");
  std::int64_t x = v.get<std::int64_t>();
  if (x < min || x > max)
    throw UsageError(Where(file, node, key) + "must be between " + std::to_string(min) +
                     " and " + std::to_string(max) + ", got " + std::to_string(x));
  return x;
}

// A finite number above `min_exclusive` (or at least `min` when kInclusive).
enum class Bound { kExclusive, kInclusive };
double GetNumber(const YAML::Node& node, const std::string& file, const std::string& key,
                 double min, Bound bound = Bound::kExclusive) {
  nlohmann::json v = IsNumber(node) ? YamlToJson(node) : nlohmann::json();
  if (!v.is_number() || !std::isfinite(v.get<double>()))
    throw UsageError(Where(file, node, key) + "expected a number, got '" +
                     (node.IsScalar() ? node.Scalar() : "<not a scalar>") + "'");
  double x = v.get<double>();
  if (bound == Bound::kExclusive ? !(x > min) : !(x >= min))
    throw UsageError(Where(file, node, key) + (bound == Bound::kExclusive ? "must be greater than " : "must be >= ") +
                     ExactNumber(min) + ", got " + ExactNumber(x));
  return x;
}

// The conditional parameters of the space, with their conditions.
std::map<std::string, std::string> ConditionalNames(const Space& space) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < space.params().size(); ++i)
    if (space.params()[i].conditional()) out[space.params()[i].name] = space.Condition(i);
  return out;
}

// The `pruner:` section: the kind, then only the keys of that kind, then the rule's bounds.
PrunerSection ParsePruner(const YAML::Node& p, const std::string& file) {
  PrunerSection out;
  if (!p.IsMap()) throw UsageError(Where(file, p, "pruner") + "must be a mapping with kind: asha, median or none");
  CheckKeys(p, kPrunerKeys, file, "pruner");
  YAML::Node kind = p["kind"];
  if (!kind.IsDefined() || kind.IsNull())
    throw UsageError(Where(file, p, "pruner") + "has no kind; write kind: asha, kind: median or kind: none");
  auto k = ParsePrunerKind(kind.IsScalar() ? kind.Scalar() : "");
  if (!k) throw UsageError(Where(file, kind, "pruner.kind") + "must be asha, median or none, got '" +
                           (kind.IsScalar() ? kind.Scalar() : "<not a scalar>") + "'");
  out.kind = *k;
  const std::vector<std::string>& own = out.kind == PrunerKind::kAsha ? kAshaKeys : kMedianKeys;
  for (const auto& kv : p) {
    std::string key = kv.first.Scalar();
    if (key == "kind" || std::find(own.begin(), own.end(), key) != own.end()) continue;
    std::string keys;
    for (const auto& o : own) keys += (keys.empty() ? "" : ", ") + o;
    throw UsageError(Where(file, kv.first, "pruner." + key) + "is not a key of kind " +
                     PrunerKindName(out.kind) + "; remove it" +
                     (out.kind == PrunerKind::kNone ? "" : " (kind " + std::string(PrunerKindName(out.kind)) +
                      " takes " + keys + ")"));
  }
  auto given = [](const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); };
  if (out.kind == PrunerKind::kAsha) {
    AshaRule& a = out.asha;
    YAML::Node max = p["max_resource"];
    if (!given(max))
      throw UsageError(Where(file, p, "pruner.max_resource") + "is required for kind asha: the "
                       "resource (epochs, steps) of a full training, e.g. max_resource: 27");
    a.max_resource = GetNumber(max, file, "pruner.max_resource", 0);
    if (YAML::Node n = p["min_resource"]; given(n)) a.min_resource = GetNumber(n, file, "pruner.min_resource", 0);
    if (YAML::Node n = p["reduction_factor"]; given(n))
      a.reduction_factor = static_cast<int>(GetInt(n, file, "pruner.reduction_factor", 2, 1000));
    if (YAML::Node n = p["min_trials"]; given(n))
      a.min_trials = static_cast<int>(GetInt(n, file, "pruner.min_trials", 1, 1000000));
    if (a.min_resource >= a.max_resource)
      throw UsageError(Where(file, max, "pruner.max_resource") + "must be greater than "
                       "pruner.min_resource (" + ExactNumber(a.min_resource) +
                       "), or no trial is ever judged");
    if (YAML::Node n = p["brackets"]; given(n)) {
      int most = MaxBrackets(a);
      out.brackets = static_cast<int>(GetInt(n, file, "pruner.brackets", 1, most));
    }
  } else if (out.kind == PrunerKind::kMedian) {
    if (YAML::Node n = p["n_startup_trials"]; given(n))
      out.median.n_startup_trials = static_cast<int>(GetInt(n, file, "pruner.n_startup_trials", 0, 1000000));
    if (YAML::Node n = p["n_warmup_steps"]; given(n))
      out.median.n_warmup_steps = GetNumber(n, file, "pruner.n_warmup_steps", 0, Bound::kInclusive);
  }
  return out;
}

// A value that ends up on an #SBATCH line or in a file name: no line breaks or NUL, which
// would inject directives.
std::string GetLineString(const YAML::Node& node, const std::string& file,
                          const std::string& key) {
  if (!node.IsScalar())
    throw UsageError(Where(file, node, key) + "expected a single string value");
  std::string s = node.Scalar();
  if (s.find_first_of(std::string("\n\r\0", 3)) != std::string::npos)
    throw UsageError(Where(file, node, key) +
                     "contains a line break or NUL, which would inject #SBATCH directives; "
                     "write it on one line");
  return s;
}

// A valid environment variable name (POSIX: letters, digits and _, not starting with a digit).
bool IsEnvName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name)
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return false;
  return true;
}

std::vector<std::pair<std::string, std::string>> ParseEnv(const YAML::Node& env,
                                                          const std::string& file) {
  if (!env.IsMap())
    throw UsageError(Where(file, env, "trial.env") + "must be a mapping NAME: value");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : env) {
    std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "";
    std::string key = "trial.env." + name;
    if (!IsEnvName(name))
      throw UsageError(
          Where(file, kv.first, key) +
          "not a valid environment variable name; use "
          "letters, digits and _ only, not starting with a digit (e.g. OMP_NUM_THREADS)");
    const YAML::Node& v = kv.second;
    if (v.IsNull())
      throw UsageError(Where(file, kv.first, key) + "has no value; write " + name +
                       ": \"\" for an empty one");
    if (!v.IsScalar())
      throw UsageError(Where(file, v, key) +
                       "must be a single value (a string or a number), "
                       "not a list or a mapping; write it as one string");
    if (v.Scalar().find('\0') != std::string::npos)
      throw UsageError(Where(file, v, key) + "contains a NUL byte, which no environment can hold");
    out.emplace_back(name, v.Scalar());
  }
  return out;
}

// Refuses parameter names that a placeholder would shadow in trial.command, or that would
// repeat a column of results.csv (two columns of one name), and a metric named like a column.
void CheckNames(const YAML::Node& root, const Config& cfg, const std::string& file) {
  std::vector<std::string> columns = ResultColumns(cfg.hpo.metric);
  YAML::Node space = root["space"];
  for (const auto& kv : space) {
    std::string name = kv.first.Scalar();
    std::string where = Where(file, kv.first, "space." + name);
    if (IsFixedPlaceholder(name))
      throw UsageError(where + "{" + name +
                       "} is a placeholder of trial.command and would "
                       "shadow this parameter; rename the parameter");
    if (name == cfg.hpo.metric)
      throw UsageError(where +
                       "named like the metric (hpo.metric), whose column results.csv "
                       "already has; rename the parameter");
    if (std::find(columns.begin(), columns.end(), name) != columns.end())
      throw UsageError(where + "results.csv already has a column '" + name +
                       "'; rename the parameter");
  }
  columns.erase(columns.begin() + 2);  // the metric's own column
  if (std::find(columns.begin(), columns.end(), cfg.hpo.metric) != columns.end()) {
    YAML::Node h = root["hpo"];
    throw UsageError(Where(file, h["metric"], "hpo.metric") + "results.csv already has a column '" +
                     cfg.hpo.metric + "'; write the metric under another name in the result");
  }
}

}  // namespace

std::vector<std::string> ResultColumns(const std::string& metric) {
  return {"trial_id", "state",      metric,     "training_time", "attempt",
          "host",     "start_time", "end_time", "reason",
          "stderr_tail"};
}

std::vector<std::string> SplitCommand(const std::string& text, const std::string& where) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\'') {
      size_t end = text.find('\'', i + 1);
      if (end == std::string::npos)
        throw UsageError(where + "unterminated single quote; close it");
      cur += text.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() &&
            (text[j + 1] == '"' || text[j + 1] == '\\'))
          ++j;
        cur += text[j];
      }
      if (j >= text.size()) throw UsageError(where + "unterminated double quote; close it");
      i = j;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      cur += text[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(cur);
  return out;
}

std::string PrunerSection::Describe() const {
  nlohmann::json j = {{"kind", PrunerKindName(kind)}};
  if (kind == PrunerKind::kAsha)
    j.update({{"min_resource", asha.min_resource}, {"max_resource", asha.max_resource},
              {"reduction_factor", asha.reduction_factor}, {"min_trials", asha.min_trials},
              {"brackets", brackets}});
  if (kind == PrunerKind::kMedian)
    j.update({{"n_startup_trials", median.n_startup_trials}, {"n_warmup_steps", median.n_warmup_steps}});
  return j.dump();
}

std::string Config::Fingerprint() const {
  nlohmann::json j = {{"space", space.ToJson()}, {"seed", hpo.seed},
                      {"method", MethodName(hpo.method)}};
  return j.dump();
}

Config ParseConfig(const std::string& text, const std::string& file) {
  Config cfg;
  cfg.file = file;
  cfg.text = text;
  YAML::Node root = ParseYaml(text, file);
  if (!root.IsMap())
    throw UsageError(file + ": the config must be a mapping with the sections space, trial, "
                            "slurm and hpo");
  CheckKeys(root, kTopKeys, file, "");
  cfg.space = Space::FromYaml(root["space"], file);

  if (YAML::Node t = root["trial"]; t.IsDefined() && !t.IsNull()) {
    if (!t.IsMap()) throw UsageError(Where(file, t, "trial") + "must be a mapping");
    CheckKeys(t, kTrialKeys, file, "trial");
    YAML::Node c = t["command"];
    if (c.IsSequence()) {
      for (const auto& e : c) {
        if (!e.IsScalar()) throw UsageError(Where(file, e, "trial.command") + "list elements must be strings");
        cfg.trial.command.push_back(e.Scalar());
      }
      cfg.trial.command_text = YAML::Dump(c);
    } else if (c.IsScalar()) {
      cfg.trial.command_text = c.Scalar();
      cfg.trial.command = SplitCommand(c.Scalar(), Where(file, c, "trial.command"));
    } else if (c.IsDefined() && !c.IsNull()) {
      throw UsageError(Where(file, c, "trial.command") + "must be a string or a list of strings");
    }
    if (c.IsDefined() && !c.IsNull())
      CheckCommandTemplate(cfg.trial.command, cfg.space.names(), Where(file, c, "trial.command"),
                           ConditionalNames(cfg.space));
    if (YAML::Node e = t["env"]; e.IsDefined() && !e.IsNull()) cfg.trial.env = ParseEnv(e, file);
  }

  if (YAML::Node s = root["slurm"]; s.IsDefined() && !s.IsNull()) {
    if (!s.IsMap()) throw UsageError(Where(file, s, "slurm") + "must be a mapping");
    CheckKeys(s, kSlurmKeys, file, "slurm");
    auto str = [&](const char* k, std::string& out) {
      if (YAML::Node n = s[k]; n.IsDefined() && !n.IsNull()) out = GetLineString(n, file, std::string("slurm.") + k);
    };
    str("partition", cfg.slurm.partition);
    str("time", cfg.slurm.time);
    str("mem", cfg.slurm.mem);
    str("account", cfg.slurm.account);
    str("qos", cfg.slurm.qos);
    str("constraint", cfg.slurm.constraint);
    str("job_name", cfg.slurm.job_name);
    if (YAML::Node n = s["env_setup"]; n.IsDefined() && !n.IsNull()) {
      if (!n.IsScalar()) throw UsageError(Where(file, n, "slurm.env_setup") + "must be a string");
      cfg.slurm.env_setup = n.Scalar();
      if (cfg.slurm.env_setup.find('\0') != std::string::npos)
        throw UsageError(Where(file, n, "slurm.env_setup") + "contains a NUL byte");
    }
    if (YAML::Node n = s["cpus_per_task"]; n.IsDefined() && !n.IsNull())
      cfg.slurm.cpus_per_task = static_cast<int>(GetInt(n, file, "slurm.cpus_per_task", 1, 100000));
    if (YAML::Node n = s["gpus"]; n.IsDefined() && !n.IsNull())
      cfg.slurm.gpus = static_cast<int>(GetInt(n, file, "slurm.gpus", 0, 1024));
    if (YAML::Node n = s["signal_grace"]; n.IsDefined() && !n.IsNull())
      cfg.slurm.signal_grace = static_cast<int>(GetInt(n, file, "slurm.signal_grace", 0, 65535));
    if (YAML::Node n = s["extra"]; n.IsDefined() && !n.IsNull()) {
      if (!n.IsSequence()) throw UsageError(Where(file, n, "slurm.extra") + "must be a list of sbatch options such as [\"--exclusive\"]");
      for (const auto& e : n) {
        std::string opt = GetLineString(e, file, "slurm.extra");
        if (opt.rfind("-", 0) != 0)
          throw UsageError(Where(file, e, "slurm.extra") + "'" + opt + "' is not an sbatch option; write it as --name=value");
        cfg.slurm.extra.push_back(opt);
      }
    }
  }

  if (YAML::Node h = root["hpo"]; h.IsDefined() && !h.IsNull()) {
    if (!h.IsMap()) throw UsageError(Where(file, h, "hpo") + "must be a mapping");
    CheckKeys(h, kHpoKeys, file, "hpo");
    auto num = [&](const char* k, std::int64_t lo, std::int64_t hi, auto& out) {
      if (YAML::Node n = h[k]; n.IsDefined() && !n.IsNull())
        out = static_cast<std::decay_t<decltype(out)>>(GetInt(n, file, std::string("hpo.") + k, lo, hi));
    };
    num("n_trials", 0, kMaxTrialId + 1, cfg.hpo.n_trials);
    num("max_concurrent_jobs", 1, 1000000, cfg.hpo.max_concurrent_jobs);
    num("checkpoint_interval", 0, std::numeric_limits<int>::max(), cfg.hpo.checkpoint_interval);
    num("max_attempts", 1, 1000, cfg.hpo.max_attempts);
    num("heartbeat_interval", 1, 86400, cfg.hpo.heartbeat_interval);
    num("lease_timeout", 2, 30 * 86400, cfg.hpo.lease_timeout);
    if (YAML::Node n = h["seed"]; n.IsDefined() && !n.IsNull()) {
      std::int64_t v = GetInt(n, file, "hpo.seed", 0, std::numeric_limits<std::int64_t>::max());
      cfg.hpo.seed = static_cast<std::uint64_t>(v);
    }
    if (YAML::Node n = h["output_dir"]; n.IsDefined() && !n.IsNull()) {
      cfg.hpo.output_dir = GetLineString(n, file, "hpo.output_dir");
      if (cfg.hpo.output_dir.empty()) throw UsageError(Where(file, n, "hpo.output_dir") + "must not be empty");
      cfg.hpo.output_dir = ExpandHome(cfg.hpo.output_dir, Where(file, n, "hpo.output_dir"));
    }
    if (YAML::Node n = h["metric"]; n.IsDefined() && !n.IsNull()) {
      cfg.hpo.metric = GetLineString(n, file, "hpo.metric");
      if (cfg.hpo.metric.empty()) throw UsageError(Where(file, n, "hpo.metric") + "must not be empty");
    }
    if (YAML::Node n = h["mode"]; n.IsDefined() && !n.IsNull()) {
      std::string m = n.IsScalar() ? n.Scalar() : "";
      if (m == "min") cfg.hpo.mode = Mode::kMin;
      else if (m == "max") cfg.hpo.mode = Mode::kMax;
      else throw UsageError(Where(file, n, "hpo.mode") + "must be min or max, got '" + m + "'");
    }
    if (YAML::Node n = h["method"]; n.IsDefined() && !n.IsNull()) {
      auto m = ParseMethod(n.IsScalar() ? n.Scalar() : "");
      if (!m) throw UsageError(Where(file, n, "hpo.method") + "must be random or sobol");
      cfg.hpo.method = *m;
    }
    if (cfg.hpo.lease_timeout < 2 * cfg.hpo.heartbeat_interval)
      throw UsageError(Where(file, h, "hpo.lease_timeout") +
                       "must be at least twice hpo.heartbeat_interval, or slow nodes would be "
                       "declared lost");
  }
  if (YAML::Node p = root["pruner"]; p.IsDefined() && !p.IsNull()) cfg.pruner = ParsePruner(p, file);
  CheckNames(root, cfg, file);
  return cfg;
}

Config LoadConfig(const std::string& path) {
  std::optional<std::string> text;
  try {
    text = ReadFile(path, kMaxConfigBytes);
  } catch (const Error& e) {
    throw UsageError(std::string(e.what()));
  }
  if (!text)
    throw UsageError(path + ": no such config file; pass -c FILE or create hpo.yaml (see "
                            "examples/mlp/hpo.yaml)");
  return ParseConfig(*text, path);
}

}  // namespace hpo
