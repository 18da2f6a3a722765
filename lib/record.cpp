#include "record.hpp"

#include <utility>

namespace hpo {
namespace {

using nlohmann::json;
namespace k = record_key;

enum class JsonKind { kInteger, kNumber, kString, kObject, kBoolean, kArray };

struct TypedField {
  const char* key;
  JsonKind kind;
};

// Whether a field's value is of its kind, and the kind as the schema check names it.
struct KindCheck {
  bool holds;
  const char* want;
};
KindCheck Check(const json& v, JsonKind kind) {
  switch (kind) {  // clang-format off
    case JsonKind::kInteger: return {v.is_number_integer(), "an integer"};
    case JsonKind::kNumber:  return {v.is_number(), "a number"};
    case JsonKind::kString:  return {v.is_string(), "a string"};
    case JsonKind::kObject:  return {v.is_object(), "an object"};
    case JsonKind::kBoolean: return {v.is_boolean(), "true or false"};
    case JsonKind::kArray:   return {v.is_array(), "an array"};
  }  // clang-format on
  return {false, "a known kind"};
}

// The fields that readers (collect, retry, the runner) convert to a type. A record holding
// something else there (hand-edited, or written by another tool) is refused here as
// unreadable, naming the field, instead of throwing a JSON type error deep inside a reader:
// that error stopped every hpo-collect of the campaign.
const TypedField kRecordFields[] = {
    {"trial_id", JsonKind::kInteger}, {"state", JsonKind::kString},
    {"attempt", JsonKind::kInteger},  {"config", JsonKind::kObject},
    {"history", JsonKind::kArray},    {"reason", JsonKind::kString},
    {"runner", JsonKind::kObject},    {"additional_info", JsonKind::kObject},
    {"stderr_log", JsonKind::kString}, {"pruned", JsonKind::kObject},
    {"learning_curve", JsonKind::kArray}};
const TypedField kRunnerFields[] = {{"host", JsonKind::kString},
                                    {"pid", JsonKind::kInteger},
                                    {"pid_start", JsonKind::kInteger},
                                    {"start_time", JsonKind::kNumber},
                                    {"restart_count", JsonKind::kInteger},
                                    {"slurm_job_id", JsonKind::kString},
                                    {"slurm_array_job_id", JsonKind::kString},
                                    {"slurm_array_task_id", JsonKind::kString},
                                    {"ending", JsonKind::kObject},
                                    {"requeued", JsonKind::kBoolean}};
const TypedField kEndingFields[] = {{"signal", JsonKind::kString}, {"trial", JsonKind::kString}};

// "runner.pid: expected an integer", or "" when every field present has its type.
template <size_t N>
std::string FieldProblem(const json& obj, const TypedField (&fields)[N],
                         const std::string& prefix) {
  for (const auto& f : fields) {
    auto it = obj.find(f.key);
    if (it == obj.end()) continue;
    if (KindCheck c = Check(*it, f.kind); !c.holds) return prefix + f.key + ": expected " + c.want;
  }
  return "";
}

void SetOrErase(Record& r, const char* name, const std::string& value) {
  if (value.empty())
    r.erase(name);
  else
    r[name] = value;
}

}  // namespace

std::string RecordProblem(const json& j) {
  if (!j.is_object()) return "expected a JSON object";
  std::string p = FieldProblem(j, kRecordFields, "");
  if (p.empty() && j.contains("runner")) p = FieldProblem(j["runner"], kRunnerFields, "runner.");
  if (p.empty() && j.contains("runner") && j["runner"].contains("ending"))
    p = FieldProblem(j["runner"]["ending"], kEndingFields, "runner.ending.");
  return p;
}

Record NewPendingRecord(TrialId id, const json& config) {
  return {{k::kTrialId, id},
          {k::kState, "pending"},
          {k::kConfig, config},
          {k::kAttempt, 1},
          {k::kHistory, json::array()}};
}

std::string StateOf(const Record& r) {
  return r.value(k::kState, std::string());
}
int AttemptOf(const Record& r) {
  return r.value(k::kAttempt, 1);
}
json RunnerOf(const Record& r) {
  return r.value(k::kRunner, json::object());
}
json ConfigOf(const Record& r) {
  return r.value(k::kConfig, json::object());
}

std::string StderrLogOf(const Record& r) {
  if (auto it = r.find(k::kStderrLog); it != r.end() && it->is_string())
    return it->get<std::string>();
  const std::string reason = r.value(k::kReason, std::string());
  size_t see = reason.rfind(" (see ");
  if (see == std::string::npos || reason.empty() || reason.back() != ')') return "";
  see += 6;
  return reason.substr(see, reason.size() - 1 - see);
}

void AppendHistory(Record& r, const HistoryEntry& e) {
  json entry = {{k::kAttempt, e.attempt}, {k::kState, e.state}, {k::kReason, e.reason}};
  if (e.start_time) entry["start_time"] = *e.start_time;
  if (e.end_time) entry["end_time"] = *e.end_time;
  if (!e.host.empty()) entry["host"] = e.host;
  if (!e.stderr_tail.empty()) entry[k::kStderrTail] = e.stderr_tail;
  for (const auto& [name, v] : e.extra.items()) entry[name] = v;
  if (!r.contains(k::kHistory) || !r[k::kHistory].is_array()) r[k::kHistory] = json::array();
  r[k::kHistory].push_back(std::move(entry));
}

void MarkRunning(Record& r, const json& runner) {
  r[k::kState] = "running";
  r[k::kRunner] = runner;
}

void MarkFinished(Record& r, const std::string& metric, double value, const json& additional_info) {
  r.erase(k::kRunner);
  r[k::kState] = "finished";
  r[metric] = value;
  r[k::kAdditionalInfo] = additional_info;
}

void MarkPruned(Record& r, const std::string& metric, std::optional<double> value, const json& decision,
                const json& learning_curve, const json& additional_info) {
  r.erase(k::kRunner);
  r[k::kState] = "pruned";
  r[metric] = value ? json(*value) : json();
  r[k::kPruned] = decision;
  r[k::kLearningCurve] = learning_curve;
  r[k::kAdditionalInfo] = additional_info;
}

void MarkFailed(Record& r, const Failure& f) {
  r.erase(k::kRunner);
  r[k::kState] = "failed";
  r[k::kReason] = f.reason;
  SetOrErase(r, k::kStderrTail, f.stderr_tail);
  SetOrErase(r, k::kStderrLog, f.stderr_log);
  r[k::kAdditionalInfo] = f.additional_info;
  AppendHistory(
      r, {AttemptOf(r), "failed", f.reason, f.start_time, f.end_time, f.host, f.stderr_tail});
}

void MarkBackToPending(Record& r, HistoryEntry why) {
  why.attempt = AttemptOf(r);
  AppendHistory(r, why);
  r[k::kState] = "pending";
  r.erase(k::kRunner);
}

void ResetForRetry(Record& r) {
  r[k::kState] = "pending";
  r[k::kAttempt] = AttemptOf(r) + 1;
  for (const char* name :
       {k::kReason, k::kStderrTail, k::kStderrLog, k::kAdditionalInfo, k::kRunner})
    r.erase(name);
}

void MarkRequeued(Record& r, HistoryEntry why) {
  why.attempt = AttemptOf(r);
  why.state = "requeued";
  AppendHistory(r, why);
  r[k::kAttempt] = why.attempt + 1;
  if (r.contains(k::kRunner) && r[k::kRunner].is_object()) r[k::kRunner][k::kRequeued] = true;
}

void MarkEnding(Record& r, double time, const std::string& signal, const std::string& trial) {
  r[k::kRunner][k::kEnding] = {{"time", time}, {"signal", signal}, {"trial", trial}};
}

}  // namespace hpo
