#include "trial_row.hpp"

#include <climits>
#include <cmath>

#include "json_scan.hpp"
#include "record.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

using nlohmann::json;

// Sets the TrialInfo field named `key` from the JSON text `v` of its value; other keys are
// ignored. `with_logs`: keep the log paths (not done for finished trials: only the failure
// table shows them, and leaving them out keeps the index small).
void SetInfoField(TrialInfo& info, std::string_view key, std::string_view v, bool with_logs) {
  if (v[0] == '{' || v[0] == '[') return;  // not a value any of these fields can hold
  auto number = [&](std::optional<double>& out) { out = JsonNumber(v); };
  auto integer = [&](std::optional<long long>& out) { out = JsonInteger(v); };
  if (key == "start_time") number(info.start_time);
  else if (key == "end_time") number(info.end_time);
  else if (key == "training_time") number(info.training_time);
  else if (key == "exit_code") integer(info.exit_code);
  else if (key == "restart_count") integer(info.restart_count);
  else if (key == "host") info.host = JsonText(v);
  else if (key == "slurm_job_id") info.slurm_job_id = JsonText(v);
  else if (key == "slurm_array_job_id") info.slurm_array_job_id = JsonText(v);
  else if (key == "slurm_array_task_id") info.slurm_array_task_id = JsonText(v);
  else if (with_logs && key == "stdout") info.stdout_log = JsonText(v);
  else if (with_logs && key == "stderr") info.stderr_log = JsonText(v);
}

TrialInfo InfoFromJson(const json& obj, bool with_logs) {
  TrialInfo info;
  if (!obj.is_object()) return info;
  for (const auto& [k, v] : obj.items())
    if (!v.is_object() && !v.is_array()) SetInfoField(info, k, v.dump(), with_logs);
  return info;
}

}  // namespace

TrialRow RowFromRecord(TrialId id, TrialState state, Record&& rec, const std::string& metric) {
  TrialRow r;
  r.id = id;
  r.state = state;
  auto it = rec.find("config");
  r.config = it != rec.end() && it->is_object() ? it->dump() : "{}";
  it = rec.find(state == TrialState::kRunning ? "runner" : "additional_info");
  if (it != rec.end()) r.info = InfoFromJson(*it, state != TrialState::kFinished);
  if (it = rec.find("attempt"); it != rec.end() && it->is_number_integer()) r.attempt = it->get<int>();
  if (it = rec.find(metric); it != rec.end() && it->is_number()) {
    double m = it->get<double>();
    if (std::isfinite(m)) r.metric = m;
  }
  if (it = rec.find("reason"); it != rec.end() && it->is_string()) r.reason = it->get<std::string>();
  if (it = rec.find("stderr_tail"); it != rec.end() && it->is_string())
    r.stderr_tail = it->get<std::string>();
  if (std::string log = StderrLogOf(rec); !log.empty() && state != TrialState::kFinished)
    r.info.stderr_log = log;
  if (it = rec.find("pruned"); state == TrialState::kPruned && it != rec.end() && it->is_object()) {
    if (auto s = it->find("step"); s != it->end() && s->is_number()) r.pruned_step = s->get<double>();
    if (auto k = it->find("rung"); k != it->end() && k->is_number_integer()) r.pruned_rung = k->get<int>();
    if (r.reason.empty())
      r.reason = "pruned at step " + (r.pruned_step ? ExactNumber(*r.pruned_step) : std::string("?")) +
                 (r.pruned_rung >= 0 ? " (rung " + std::to_string(r.pruned_rung) + ")" : " (median rule)");
  }
  return r;
}

std::optional<TrialRow> FastFinishedRow(TrialId id, std::string_view text, const std::string& metric) {
  TrialRow r;
  r.id = id;
  r.state = TrialState::kFinished;
  bool ok = JsonScanner::Members(text, [&](std::string_view key, std::string_view v) {
    if (key == metric) r.metric = JsonNumber(v);  // (a repeated key: the last one counts)
    char c = v[0];
    if (key == "trial_id" || key == "attempt") {
      auto i = JsonInteger(v);
      if (!i) return false;
      if (key == "attempt") {
        if (*i < INT_MIN || *i > INT_MAX) return false;
        r.attempt = static_cast<int>(*i);
      }
    } else if (key == "state") {
      return c == '"';
    } else if (key == "reason") {
      if (c != '"') return false;
      r.reason = JsonText(v);
    } else if (key == "history") {
      return c == '[';
    } else if (key == "config") {
      if (c != '{') return false;
      r.config.assign(v);  // (made compact, if it is not, when it is indexed)
    } else if (key == "additional_info") {
      if (c != '{') return false;
      r.info = TrialInfo();  // (a repeated key: the last one counts)
      return JsonScanner::Members(v, [&](std::string_view k, std::string_view x) {
        SetInfoField(r.info, k.find('\\') == std::string_view::npos ? k : JsonKey(k), x, false);
        return true;
      });
    } else if (key == "runner" || key.find('\\') != std::string_view::npos) {
      return false;
    }
    return true;
  });
  if (!ok) return std::nullopt;
  if (r.config.empty()) r.config = "{}";
  return r;
}

const json& TrialRow::Config() const {
  if (!parsed_config_) {
    json j = config.empty() ? json::object() : json::parse(config, nullptr, false);
    parsed_config_ = j.is_object() ? std::move(j) : json::object();
  }
  return *parsed_config_;
}

std::vector<std::string_view> ConfigValues(std::string_view config,
                                           const std::vector<std::string>& names) {
  std::vector<std::string_view> out(names.size());
  JsonScanner::Members(config, [&](std::string_view raw, std::string_view v) {
    std::string decoded;
    std::string_view key = raw;
    if (raw.find('\\') != std::string_view::npos) key = decoded = JsonKey(raw);
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == key) out[i] = v;
    return true;
  });
  return out;
}

}  // namespace hpo
