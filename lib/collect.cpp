#include "collect.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <boost/filesystem/operations.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "atomic_file.hpp"
#include "cancel.hpp"
#include "claim.hpp"
#include "error.hpp"
#include "json_scan.hpp"
#include "log_tail.hpp"
#include "process.hpp"
#include "retry.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

using nlohmann::json;

// Index segments beyond this number are merged into one.
constexpr size_t kMaxSegments = 8;
constexpr std::uint64_t kMaxSegmentBytes = 1ULL << 31;

// Sorts rows by id, stably, without moving any when they are in order already (the usual
// case: listings and merged index segments are in id order).
void SortById(std::vector<TrialRow>& rows) {
  auto by_id = [](const TrialRow& a, const TrialRow& b) { return a.id < b.id; };
  if (!std::is_sorted(rows.begin(), rows.end(), by_id)) std::stable_sort(rows.begin(), rows.end(), by_id);
}

// --- reading a trial's fields ---------------------------------------------------------

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
  return r;
}

// The row of a finished record read straight from its text, without building a document;
// nullopt for anything unusual (a type Campaign::Read would refuse, a runner section, text
// that is not strict JSON), which the caller then reads the slow way, with its messages.
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

// --- results.csv ----------------------------------------------------------------------

// True when a spreadsheet would take the cell `s` as a formula (OWASP, CSV injection): it
// starts with = + - @, a tab or a carriage return and is not simply a number (-0.5 must
// stay a number for pandas and spreadsheets alike).
bool LooksLikeFormula(std::string_view s) {
  if (s.empty() || std::string_view("=+-@\t\r").find(s[0]) == std::string_view::npos) return false;
  return !JsonNumber(s);
}

// Appends `s` as one CSV field, quoted when it holds a comma, a quote or a line break, and
// with a leading ' when a spreadsheet would run it as a formula.
void AppendCsvField(std::string& out, std::string_view s) {
  const bool formula = LooksLikeFormula(s);
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    if (formula) out += '\'';
    out += s;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A config value's JSON text as a CSV field: strings unquoted, anything else as JSON.
void AppendCsvValue(std::string& out, std::string_view v) {
  if (v.empty() || v == "null") return;
  if (v[0] == '"') {
    if (v.find('\\') == std::string_view::npos) AppendCsvField(out, v.substr(1, v.size() - 2));
    else AppendCsvField(out, JsonText(v));
    return;
  }
  AppendCsvField(out, v);
}

// The first line of results.csv (without its newline).
std::string CsvHeader(const Config& cfg) {
  std::string out;
  for (const auto& c : ResultColumns(cfg.hpo.metric)) {
    if (!out.empty()) out += ',';
    AppendCsvField(out, c);
  }
  for (const auto& n : cfg.space.names()) {
    out += ',';
    AppendCsvField(out, n);
  }
  return out;
}

// Appends the results.csv line of a finished or failed trial (without its newline);
// `values`: its config's values in column order (ConfigValues).
void AppendCsvRow(std::string& out, const TrialRow& r, const std::vector<std::string_view>& values) {
  out += std::to_string(r.id);
  out += ',';
  out += StateName(r.state);
  out += ',';
  if (r.metric) AppendJsonNumber(out, *r.metric);
  out += ',';
  if (r.info.training_time) AppendJsonNumber(out, *r.info.training_time);
  out += ',';
  out += std::to_string(r.attempt);
  out += ',';
  AppendCsvField(out, r.info.host);
  out += ',';
  if (r.info.start_time) AppendJsonNumber(out, *r.info.start_time);
  out += ',';
  if (r.info.end_time) AppendJsonNumber(out, *r.info.end_time);
  out += ',';
  AppendCsvField(out, r.reason);
  out += ',';
  AppendCsvField(out, r.stderr_tail);
  for (std::string_view v : values) {
    out += ',';
    AppendCsvValue(out, v);
  }
}

// --- the results index --------------------------------------------------------------
// A segment is text. Its first line names the format and the results.csv header it was
// written for: `hpo-index 5 "<header as a JSON string>"`. Its last line is `end <hash>`, 16
// hex digits of SegmentHash over everything before it: segments are written without a
// flush, and one cut short or damaged by a crash is ignored whole (its files are parsed
// again). Between them, one finished trial per line, 8 fields separated by tabs:
//   trial_id exit_code restart_count slurm_job_id slurm_array_job_id slurm_array_task_id
//   config csv_row
// csv_row is the trial's results.csv line, which also gives its metric, training_time,
// attempt, host, start_time, end_time and reason. Numbers are JSON numbers, strings JSON
// string literals, and an empty field is an absent value. The config is its compact JSON,
// or, when the object is exactly the space's parameters in key order (as hpo-run writes
// it), just the array of their values, from which the same text is rebuilt. A trial whose
// results.csv line would hold a tab or a line break is not indexed (its file is read each
// time). Reading a line needs no JSON document, and a collect over lines renders no CSV:
// that is what keeps a repeated collect fast.
constexpr size_t kIndexFields = 8;
constexpr std::string_view kIndexMagic = "hpo-index 5 ";
constexpr std::string_view kIndexEnd = "end ";

// A fast 64-bit hash (8 bytes a step), to tell a segment that a crash cut short or damaged.
std::uint64_t SegmentHash(std::string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 32;
  }
  std::uint64_t w = 0;
  std::memcpy(&w, s.data() + i, s.size() - i);
  h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
  return h ^ (h >> 29);
}

// Appends the last line of a segment whose text so far is `text`.
void AppendSegmentEnd(std::string& text) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(SegmentHash(text)));
  text += kIndexEnd;
  text += hex;
  text += '\n';
}

// The segment without its last line when that line is there and its hash matches; nullopt
// for a segment cut short or damaged.
std::optional<std::string_view> SegmentBody(std::string_view all) {
  constexpr size_t kEndLine = 4 + 16 + 1;  // "end " + hash + newline
  if (all.size() < kEndLine || all.back() != '\n') return std::nullopt;
  std::string_view body = all.substr(0, all.size() - kEndLine);
  std::string_view end = all.substr(body.size());
  if (!body.empty() && body.back() != '\n') return std::nullopt;
  if (end.substr(0, kIndexEnd.size()) != kIndexEnd) return std::nullopt;
  unsigned long long want = 0;
  auto [p, ec] = std::from_chars(end.data() + 4, end.data() + 20, want, 16);
  if (ec != std::errc() || p != end.data() + 20 || want != SegmentHash(body)) return std::nullopt;
  return body;
}

// What reading and writing index lines needs of the campaign.
struct IndexFormat {
  explicit IndexFormat(const Config& cfg) : names(cfg.space.names()), keys(names) {
    std::sort(keys.begin(), keys.end());
    for (const auto& n : names)
      column_key.push_back(static_cast<size_t>(std::find(keys.begin(), keys.end(), n) - keys.begin()));
    header = std::string(kIndexMagic);
    AppendJsonString(header, CsvHeader(cfg));
    header += '\n';
  }
  std::vector<std::string> names;  // the space's parameters (results.csv's columns)
  std::vector<std::string> keys;   // the same, in JSON key order
  std::vector<size_t> column_key;  // for each of `names`, its place in `keys`
  std::string header;              // the first line of a segment
};

// One walk over a compact config: when its members are exactly the parameters in key
// order (as hpo-run writes them), their values in that order; else nullopt. `compact` says
// whether the text has no white space (the form the index keeps).
std::optional<std::vector<std::string_view>> ConfigByKey(std::string_view config, const IndexFormat& f,
                                                         bool* compact) {
  std::vector<std::string_view> values;
  values.reserve(f.keys.size());
  bool space = false;
  bool exact = JsonScanner::Members(
      config,
      [&](std::string_view key, std::string_view v) {
        // (A key written with an escape is not compared: its text is not its name.)
        if (values.size() >= f.keys.size() || key != f.keys[values.size()] ||
            key.find('\\') != std::string_view::npos)
          return false;
        values.push_back(v);
        return true;
      },
      &space);
  *compact = !space;
  if (!exact) {
    // Not the parameters in order: whether it is compact needs a walk of its own.
    JsonScanner sc(config);
    *compact = sc.Value() && !sc.saw_space();
    return std::nullopt;
  }
  if (values.size() != f.keys.size()) return std::nullopt;
  return values;
}

// The config object rebuilt from ConfigArray's form; nullopt when it does not fit.
std::optional<std::string> ConfigFromArray(std::string_view array, const IndexFormat& f) {
  std::string out = "{";
  size_t i = 0;
  bool ok = JsonScanner::Elements(array, [&](std::string_view v) {
    if (i >= f.keys.size()) return false;
    if (i > 0) out += ',';
    AppendJsonString(out, f.keys[i++]);
    out += ':';
    out += v;
    return true;
  });
  if (!ok || i != f.keys.size()) return std::nullopt;
  return out + "}";
}

void AppendOptional(std::string& out, const std::optional<long long>& v) {
  if (v) out += std::to_string(*v);
}
void AppendText(std::string& out, const std::string& s) {
  if (!s.empty()) AppendJsonString(out, s);
}

// Appends the index line of a finished row; false (and nothing appended) when its
// results.csv line holds a tab or a line break. Makes the row's config compact first.
bool AppendIndexLine(std::string& out, TrialRow& r, const IndexFormat& f) {
  bool compact = false;
  auto by_key = ConfigByKey(r.config, f, &compact);
  if (!compact) {
    json j = json::parse(r.config, nullptr, false);
    r.config = j.is_object() ? j.dump() : "{}";
    by_key = ConfigByKey(r.config, f, &compact);
  }
  size_t start = out.size();
  out += std::to_string(r.id);
  for (const auto* v : {&r.info.exit_code, &r.info.restart_count}) {
    out += '\t';
    AppendOptional(out, *v);
  }
  for (const auto* s : {&r.info.slurm_job_id, &r.info.slurm_array_job_id, &r.info.slurm_array_task_id}) {
    out += '\t';
    AppendText(out, *s);
  }
  out += '\t';
  std::vector<std::string_view> values;
  if (by_key) {
    // A compact object of exactly these keys in this order is rebuilt exactly from them.
    out += '[';
    for (size_t i = 0; i < by_key->size(); ++i) {
      if (i > 0) out += ',';
      out += (*by_key)[i];
    }
    out += ']';
    for (size_t k : f.column_key) values.push_back((*by_key)[k]);
  } else {
    out += r.config;
    values = ConfigValues(r.config, f.names);
  }
  out += '\t';
  size_t row = out.size();
  AppendCsvRow(out, r, values);
  if (out.find_first_of("\t\n\r", row) != std::string::npos) {
    out.resize(start);
    return false;
  }
  out += '\n';
  return true;
}

// The first `n` fields of a CSV line, unquoted (into `store` where quoted); false when the
// line has fewer.
bool CsvColumns(std::string_view row, size_t n, std::string_view* out, std::string* store) {
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    if (pos > row.size()) return false;
    if (pos < row.size() && row[pos] == '"') {
      std::string& s = store[i];
      s.clear();
      for (++pos;; ++pos) {
        if (pos >= row.size()) return false;
        if (row[pos] == '"') {
          if (pos + 1 < row.size() && row[pos + 1] == '"') {
            s += '"';
            ++pos;
          } else {
            break;
          }
        } else {
          s += row[pos];
        }
      }
      out[i] = s;
      ++pos;  // past the closing quote
      if (pos < row.size() && row[pos] != ',') return false;
      ++pos;
    } else {
      size_t comma = row.find(',', pos);
      if (comma == std::string_view::npos) comma = row.size();
      out[i] = row.substr(pos, comma - pos);
      pos = comma + 1;
    }
  }
  return true;
}

// The columns of results.csv that TrialRow holds: trial_id state metric training_time
// attempt host start_time end_time reason stderr_tail.
constexpr size_t kCsvRowFields = 10;

// A damaged line gives nullopt (its file is then read again), never an error.
std::optional<TrialRow> RowFromIndexLine(std::string_view line, const IndexFormat& format) {
  std::string_view f[kIndexFields];
  size_t n = 0;
  for (size_t pos = 0; n < kIndexFields; ++n) {
    size_t tab = n + 1 < kIndexFields ? line.find('\t', pos) : line.size();
    if (tab == std::string_view::npos || pos > line.size()) return std::nullopt;
    f[n] = line.substr(pos, tab - pos);
    pos = tab + 1;
  }
  std::string_view c[kCsvRowFields];
  std::string store[kCsvRowFields];
  if (!CsvColumns(f[7], kCsvRowFields, c, store)) return std::nullopt;
  TrialRow r;
  r.state = TrialState::kFinished;
  auto id = JsonInteger(f[0]);
  auto attempt = JsonInteger(c[4]);
  r.metric = JsonNumber(c[2]);
  if (!id || *id < 0 || c[0] != f[0] || c[1] != StateName(TrialState::kFinished) || !attempt ||
      *attempt < INT_MIN || *attempt > INT_MAX || (!r.metric && !c[2].empty()))
    return std::nullopt;
  r.id = *id;
  r.attempt = static_cast<int>(*attempt);
  auto number = [](std::string_view v, std::optional<double>& out) {
    out = JsonNumber(v);
    return v.empty() || out;
  };
  auto integer = [](std::string_view v, std::optional<long long>& out) {
    out = JsonInteger(v);
    return v.empty() || out;
  };
  auto text = [](std::string_view v, std::string& out) {
    if (v.empty()) return true;
    auto s = JsonString(v);
    if (!s) return false;
    out = std::move(*s);
    return true;
  };
  TrialInfo& i = r.info;
  if (!number(c[3], i.training_time) || !number(c[6], i.start_time) || !number(c[7], i.end_time) ||
      !integer(f[1], i.exit_code) || !integer(f[2], i.restart_count) ||
      !text(f[3], i.slurm_job_id) || !text(f[4], i.slurm_array_job_id) ||
      !text(f[5], i.slurm_array_task_id) || f[6].size() < 2)
    return std::nullopt;
  i.host.assign(c[5]);
  r.reason.assign(c[8]);
  r.stderr_tail.assign(c[9]);
  // The config is not validated beyond its form: segments are written whole and
  // atomically, and its readers (ConfigValues, TrialRow::Config) cope with a damaged one.
  if (f[6].front() == '[') {
    auto config = ConfigFromArray(f[6], format);
    if (!config) return std::nullopt;
    r.config = std::move(*config);
  } else if (f[6].front() == '{' && f[6].back() == '}') {
    r.config.assign(f[6]);
  } else {
    return std::nullopt;
  }
  return r;
}

struct Segments {
  std::vector<fs::path> current;  // read, in name order
  std::vector<fs::path> old;      // earlier format: removed on the next merge
};

Segments ListSegments(const Layout& L) {
  Segments out;
  boost::system::error_code ec;
  for (fs::directory_iterator it(L.index_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (IsIndexSegmentName(n)) out.current.push_back(it->path());
    else if (IsOldIndexSegmentName(n)) out.old.push_back(it->path());
  }
  std::sort(out.current.begin(), out.current.end());
  return out;
}

// The finished trials as lines of the results index, one per trial, in id order. A collect
// needs of each only the id, the metric and its results.csv line, all in the line: it
// builds no row for them.
// The metric of a finished trial whose record has none (recorded before the campaign's
// metric was changed with --force, or edited by hand): it is counted and listed, never
// dropped, but cannot be the best.
constexpr double kNoMetric = std::numeric_limits<double>::quiet_NaN();

struct FinishedLines {
  struct Line {
    TrialId id;
    double metric;  // kNoMetric (NaN) when the record has none
    std::string_view text;  // without the newline; "" for a trial not in the index
    size_t csv_at;          // where its results.csv line starts in `text`
  };
  explicit FinishedLines(const Config& cfg) : format(cfg) {}
  IndexFormat format;                                     // how the lines are written
  std::vector<std::unique_ptr<MappedFile>> segments;      // what the lines point into:
  std::vector<std::unique_ptr<const std::string>> texts;  // index segments and new lines
  std::vector<Line> lines;
};

// The id and metric of an index line with all its fields; nullopt for a damaged line.
std::optional<FinishedLines::Line> LineHead(std::string_view text) {
  size_t tab = 0;
  for (size_t n = 0; n < kIndexFields - 1; ++n) {
    tab = text.find('\t', n == 0 ? 0 : tab + 1);
    if (tab == std::string_view::npos) return std::nullopt;
  }
  size_t csv = tab + 1;
  if (text.find('\t', csv) != std::string_view::npos) return std::nullopt;
  // The results.csv line starts "<id>,finished,<metric>,".
  size_t a = text.find(',', csv), b = text.find(',', a + 1), c = text.find(',', b + 1);
  if (a == std::string_view::npos || b == std::string_view::npos || c == std::string_view::npos)
    return std::nullopt;
  std::string_view id_text = text.substr(0, text.find('\t'));
  auto id = JsonInteger(id_text);
  std::string_view metric_text = text.substr(b + 1, c - b - 1);
  auto metric = metric_text.empty() ? std::optional<double>(kNoMetric) : JsonNumber(metric_text);
  if (!id || *id < 0 || !metric || text.substr(csv, a - csv) != id_text) return std::nullopt;
  return FinishedLines::Line{*id, *metric, text, csv};
}

std::string_view LineCsv(const FinishedLines::Line& l) { return l.text.substr(l.csv_at); }

bool ById(const FinishedLines::Line& a, const FinishedLines::Line& b) { return a.id < b.id; }

// Reads the index, parses the results/ files it does not hold (on two threads: the cost is
// per file and independent), and appends a segment with them; or merges all segments into
// one when there are too many or one was written for another results.csv header (the
// campaign's space changed). The index is a cache: trouble with it costs speed, never a
// result.
FinishedLines ScanFinishedLines(const Campaign& campaign) {
  const Layout& L = campaign.layout();
  const std::string& metric = campaign.config().hpo.metric;
  FinishedLines out(campaign.config());
  const IndexFormat& format = out.format;
  std::vector<TrialId> ids = campaign.List(TrialState::kFinished);  // sorted
  Segments segments = ListSegments(L);
  std::vector<FinishedLines::Line> indexed;
  indexed.reserve(ids.size());
  bool merge = segments.current.size() + 1 > kMaxSegments || !segments.old.empty();
  for (const auto& seg : segments.current) {
    std::unique_ptr<MappedFile> text;  // (held by pointer: the lines are views into it)
    try {
      if (auto file = MappedFile::Open(seg, kMaxSegmentBytes))
        text = std::make_unique<MappedFile>(std::move(*file));
    } catch (const Error& e) {
      Warning(std::string("ignoring index segment: ") + e.what());
    }
    if (!text) continue;  // merged away by another collect: the files are parsed instead
    auto body = SegmentBody(text->text());
    if (!body) {
      // Cut short or damaged by a crash: its files are parsed again, and the merge this
      // forces removes it.
      merge = true;
      continue;
    }
    std::string_view all = *body;
    size_t nl = all.find('\n');
    std::string_view head = all.substr(0, nl == std::string_view::npos ? all.size() : nl + 1);
    if (head != format.header) {
      // Another format, or written for another space: its files are parsed again, and
      // the merge this forces removes it.
      merge = true;
      continue;
    }
    for (size_t pos = head.size(); pos < all.size();) {
      nl = all.find('\n', pos);
      if (nl == std::string_view::npos) nl = all.size();
      if (auto l = LineHead(all.substr(pos, nl - pos))) indexed.push_back(*l);
      pos = nl + 1;
    }
    out.segments.push_back(std::move(text));
  }
  // One line per trial still in results/ (a trial leaves results/ only by hand); the files
  // the index does not know are parsed.
  if (!std::is_sorted(indexed.begin(), indexed.end(), ById))
    std::stable_sort(indexed.begin(), indexed.end(), ById);
  out.lines.reserve(ids.size());
  std::vector<TrialId> todo;
  size_t k = 0;
  for (TrialId id : ids) {
    while (k < indexed.size() && indexed[k].id < id) ++k;
    if (k < indexed.size() && indexed[k].id == id) out.lines.push_back(indexed[k]);
    else todo.push_back(id);
  }
  merge = merge || out.lines.size() != indexed.size();  // drop lines of trials gone by hand
  indexed = {};

  struct Part {
    std::string index;  // index lines of the parsed files
    struct Head {
      TrialId id;
      double metric;
      bool indexed;  // has a line in `index`
    };
    std::vector<Head> heads;  // the parsed files, in id order
    std::vector<std::string> warnings;
    size_t without_metric = 0;  // finished records without a numeric metric
  };
  // Files are opened relative to results/, which spares the kernel a path walk per file.
  int results_fd = todo.empty() ? -1
                                : ::open(L.state_dir(TrialState::kFinished).c_str(),
                                         O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  auto parse = [&](size_t begin, size_t end, Part& part) {
    part.index.reserve((end - begin) * 448);
    part.heads.reserve(end - begin);
    // A result record is a few hundred bytes: read into one buffer, and the whole way
    // (ReadFile: type and size checks, messages with the whole path) only when that fails.
    std::string buf(64 * 1024, '\0');
    for (size_t i = begin; i < end; ++i) {
      TrialId id = todo[i];
      std::optional<TrialRow> row;
      try {
        std::optional<size_t> got;
        if (results_fd >= 0) {
          try {
            got = ReadSmallFileAt(results_fd, TrialFileName(id), buf.data(), buf.size());
          } catch (const Error&) {
            got = buf.size();  // read it again below, for the message
          }
          if (!got) continue;  // gone since the listing (removed by hand)
        }
        if (got && *got < buf.size()) row = FastFinishedRow(id, std::string_view(buf.data(), *got), metric);
        if (!row) {
          auto rec = campaign.Read(TrialState::kFinished, id);
          if (!rec) continue;
          row = RowFromRecord(id, TrialState::kFinished, std::move(*rec), metric);
        }
      } catch (const Error& e) {
        part.warnings.push_back(std::string("skipping unreadable result: ") + e.what());
        continue;
      }
      if (!row->metric) ++part.without_metric;
      part.heads.push_back({id, row->metric.value_or(kNoMetric), AppendIndexLine(part.index, *row, format)});
    }
  };
  Part parts[2];
  if (todo.size() >= 512) {
    std::thread second(parse, todo.size() / 2, todo.size(), std::ref(parts[1]));
    parse(0, todo.size() / 2, parts[0]);
    second.join();
  } else {
    parse(0, todo.size(), parts[0]);
  }
  if (results_fd >= 0) ::close(results_fd);
  size_t n_indexed = out.lines.size();
  if (size_t n = parts[0].without_metric + parts[1].without_metric)
    Warning(std::to_string(n) + " finished trial(s) in " + L.state_dir(TrialState::kFinished).string() +
            " have no numeric \"" + metric + "\" (recorded before hpo.metric changed?): counted "
            "as finished, without a value");
  for (auto& part : parts) {
    for (const auto& w : part.warnings) Warning(w);
    if (part.heads.empty()) continue;
    out.texts.push_back(std::make_unique<const std::string>(std::move(part.index)));
    std::string_view all(*out.texts.back());
    size_t pos = 0;
    for (const auto& h : part.heads) {
      if (!h.indexed) {
        out.lines.push_back({h.id, h.metric, {}, 0});
        continue;
      }
      size_t nl = all.find('\n', pos);
      std::string_view line = all.substr(pos, nl - pos);
      pos = nl + 1;
      auto head = LineHead(line);  // (always there: the line was just rendered)
      out.lines.push_back({h.id, h.metric, head ? line : std::string_view(), head ? head->csv_at : 0});
    }
  }
  size_t n_fresh = out.lines.size() - n_indexed;

  try {
    if (n_fresh > 0 || merge) {
      std::string text = format.header;
      size_t first = merge ? 0 : n_indexed, bytes = text.size() + 32;  // (32: the end line)
      for (size_t i = first; i < out.lines.size(); ++i) bytes += out.lines[i].text.size() + 1;
      text.reserve(bytes);
      for (size_t i = first; i < out.lines.size(); ++i)
        if (!out.lines[i].text.empty()) (text += out.lines[i].text) += '\n';
      AppendSegmentEnd(text);
      // Not flushed: after a crash a segment can be empty, cut short or hold zeros, which
      // its last line's hash tells (see SegmentBody).
      WriteFileAtomic(L.index_segment(UniqueName()), text, Publish::kNoReplace, L.tmp_dir(),
                      Durability::kNoSync);
      if (merge) {
        for (const auto& seg : segments.current) RemoveFile(seg);
        for (const auto& seg : segments.old) RemoveFile(seg);
      }
    }
  } catch (const Error& e) {
    Warning(std::string("could not update the results index: ") + e.what());
  }
  // Both runs are in id order; merge them.
  if (n_fresh > 0 && n_indexed > 0)
    std::inplace_merge(out.lines.begin(), out.lines.begin() + static_cast<std::ptrdiff_t>(n_indexed),
                       out.lines.end(), ById);
  return out;
}

// The full row of a finished trial from its index line, or from its file when the line is
// damaged; nullopt when neither can be read (the reason is printed).
std::optional<TrialRow> FinishedRow(const Campaign& campaign, const IndexFormat& format,
                                    const FinishedLines::Line& line) {
  if (auto row = RowFromIndexLine(line.text, format)) return row;
  try {
    if (auto rec = campaign.Read(TrialState::kFinished, line.id))
      return RowFromRecord(line.id, TrialState::kFinished, std::move(*rec), campaign.config().hpo.metric);
  } catch (const Error& e) {
    Warning(std::string("skipping unreadable result: ") + e.what());
  }
  return std::nullopt;
}

// The folders other than results/, listed before results/ (see ScanOthers).
std::map<TrialState, std::vector<TrialId>> ListOthers(const Campaign& campaign) {
  std::map<TrialState, std::vector<TrialId>> listed;
  for (TrialState s : {TrialState::kPending, TrialState::kRunning, TrialState::kFailed})
    listed[s] = campaign.List(s);
  return listed;
}

// Rows of the trials listed in pending/, running/ and failed/ that are not finished, in id
// order. Trials move on while the folders are listed one after the other. Listing them in
// the order trials go through them (pending, running, failed, then results) means a trial
// that moves on during the scan is seen twice (the later state wins) instead of not at all.
std::vector<TrialRow> ScanOthers(const Campaign& campaign,
                                 std::map<TrialState, std::vector<TrialId>>& listed,
                                 const FinishedLines& finished) {
  const std::string& metric = campaign.config().hpo.metric;
  auto is_finished = [&](TrialId id) {
    return std::binary_search(finished.lines.begin(), finished.lines.end(),
                              FinishedLines::Line{id, 0, {}, 0}, ById);
  };
  std::vector<TrialRow> rows;
  std::set<TrialId> seen;
  for (TrialState s : {TrialState::kFailed, TrialState::kRunning, TrialState::kPending}) {
    for (TrialId id : listed[s]) {
      if (is_finished(id) || !seen.insert(id).second) continue;  // a later state holds it
      TrialState at = s;
      std::optional<Record> rec;
      // A record that vanished between the listing and the reading has moved on: read it
      // where it is now (a few tries, for a trial passing through several folders).
      for (int tries = 0; tries < 3 && at != TrialState::kPending && !rec; ++tries) {
        try {
          rec = campaign.Read(at, id);
        } catch (const Error& e) {
          Warning(std::string("skipping unreadable record: ") + e.what());
          break;
        }
        if (!rec) {
          auto now_at = campaign.Find(id);
          if (!now_at) break;
          at = *now_at;
        }
      }
      if (at == TrialState::kPending) {
        TrialRow r;
        r.id = id;
        r.state = at;
        rows.push_back(r);
      } else if (rec) {
        rows.push_back(RowFromRecord(id, at, std::move(*rec), metric));
      }
    }
  }
  SortById(rows);
  return rows;
}

// results.csv: finished and failed trials in id order. (`others` holds finished trials
// too when they reached results/ during the scan.)
std::string Csv(const Campaign& c, const FinishedLines& finished, const std::vector<TrialRow>& others) {
  const IndexFormat& format = finished.format;
  const std::vector<std::string>& names = format.names;
  std::string out = CsvHeader(c.config()) + "\n";
  size_t bytes = out.size();
  for (const auto& l : finished.lines) bytes += LineCsv(l).size() + 1;
  out.reserve(bytes + others.size() * 256);
  auto other = others.begin();
  auto flush_others = [&](TrialId before) {
    for (; other != others.end() && other->id < before; ++other) {
      if (other->state != TrialState::kFailed && other->state != TrialState::kFinished) continue;
      AppendCsvRow(out, *other, ConfigValues(other->config, names));
      out += '\n';
    }
  };
  for (const auto& l : finished.lines) {
    flush_others(l.id);
    std::string_view row = LineCsv(l);
    if (!row.empty()) {
      out += row;
    } else if (auto full = FinishedRow(c, format, l)) {  // not in the index
      AppendCsvRow(out, *full, ConfigValues(full->config, names));
    } else {
      continue;
    }
    out += '\n';
  }
  flush_others(std::numeric_limits<TrialId>::max());
  return out;
}

double FileAge(const fs::path& p, double now) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return -1;
  return now - (static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec * 1e-9);
}

// Temp files of writers killed mid-write are never read; those older than a day are
// dropped (a write takes milliseconds, so nothing alive is that old), and so are retry
// claims left by a retry that died. Only files of the tools' own names (IsTempFileName,
// IsRetryClaimName) are ever removed: anything else in tmp/, a user's file or folder, is
// left alone, and a file that cannot be removed is reported, never fatal.
void RemoveStaleTemps(const Layout& L, double now) {
  boost::system::error_code ec;
  for (fs::directory_iterator it(L.tmp_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!IsTempFileName(name) && !IsRetryClaimName(name)) continue;
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (FileAge(it->path(), now) <= 86400) continue;
    try {
      RemoveFile(it->path());
    } catch (const Error& e) {
      Warning(std::string("could not remove a stale temp file: ") + e.what());
    }
  }
}

// Publishes `text` unless the file already holds exactly it: a collect with nothing new
// rewrites (and fsyncs) nothing big.
void WriteIfChanged(const fs::path& path, const std::string& text, const fs::path& tmp,
                    Durability durability = Durability::kSync) {
  if (FileHolds(path, text)) return;  // (anything else, unreadable or not a file, is replaced)
  WriteFileAtomic(path, text, Publish::kReplace, tmp, durability);
}

// A running record whose runner is gone, of a trial that results/ or failed/ (at the same
// attempt or a later one) already holds, is a leftover: a runner that wrote its record
// (its "ending" note on a SLURM signal) just after a collect had settled the trial from
// SLURM's word. Nothing in it is lost by removing it; left alone it would stay forever,
// since the trial's higher state keeps every later collect from settling it. Returns true
// when it was removed (or is gone). A window of microseconds remains between the second
// read and the removal, in which only a retry of that very trial plus a runner's claim of
// it could put a live record there.
bool RemoveLeftover(const Campaign& c, TrialId id, const Record& rec) {
  auto at = c.Find(id);
  if (at == TrialState::kFailed) {
    std::optional<Record> failed;
    try {
      failed = c.Read(TrialState::kFailed, id);
    } catch (const Error&) {
      return false;  // left for a person: the failed record itself is unreadable
    }
    if (!failed || AttemptOf(*failed) < AttemptOf(rec)) return false;
  } else if (at != TrialState::kFinished) {
    return false;
  }
  // Read it again: usually the runner finished normally and removed it after this collect
  // read it; and only the record judged is removed, never one written since.
  std::optional<Record> now;
  try {
    now = c.Read(TrialState::kRunning, id);
  } catch (const Error&) {
    return false;
  }
  if (!now) return true;
  if (*now != rec) return false;
  RemoveFile(c.layout().trial_file(TrialState::kRunning, id));
  Warning("trial " + std::to_string(id) + ": removed " +
          c.layout().trial_file(TrialState::kRunning, id).string() + ", left by a runner that is gone; " +
          (at == TrialState::kFinished ? "its result" : "its failure") + " stands");
  return true;
}

// Seconds since a running trial's runner was last known alive: its lease (heartbeat) was
// renewed or its running record written, whichever is later; -1 when neither can be read.
double LeaseAge(const Campaign& c, TrialId id, double now) {
  const Layout& L = c.layout();
  double age = FileAge(L.trial_heartbeat(id), now);
  double rec_age = FileAge(L.trial_file(TrialState::kRunning, id), now);
  if (age < 0 || (rec_age >= 0 && rec_age < age)) age = rec_age;
  return age;
}

bool IsTerminal(const std::string& state) {
  static const std::set<std::string> terminal = {
      "COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "NODE_FAIL", "OUT_OF_MEMORY",
      "PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT"};
  return terminal.count(state.substr(0, state.find(' '))) > 0;
}

// The SLURM task a runner record names ("<array>_<task>"), "" outside SLURM.
std::string RunnerTaskName(const json& runner) {
  return TaskName(runner.value("slurm_job_id", ""), runner.value("slurm_array_job_id", ""),
                  runner.value("slurm_array_task_id", ""));
}

// Decides whether a running trial's runner is gone; returns the reason, or "" if alive.
// SLURM's word comes first: a job it reports ended (CANCELLED, TIMEOUT, NODE_FAIL...) has no
// process left, and its state is the reason. Otherwise a slow but alive runner is never
// declared lost: on its own host the pid (with its start time) decides; elsewhere an expired
// lease, and only when SLURM no longer knows the job or cannot be asked.
std::string LostReason(const Campaign& c, TrialId id, const Record& rec,
                       const std::optional<std::map<std::string, JobState>>& jobs, double now) {
  json runner = RunnerOf(rec);
  std::string job = RunnerTaskName(runner);
  std::string ending;
  if (runner.contains("ending")) {
    const json& e = runner["ending"];
    ending = "; the runner saw " + (e.value("signal", "").empty() ? "its trial " + e.value("trial", "")
                                                                  : e.value("signal", ""));
  }
  if (!job.empty() && jobs) {
    auto it = jobs->find(job);
    if (it != jobs->end()) {
      if (!IsTerminal(it->second.state)) return "";  // pending again (requeued) or running
      std::string why = it->second.state;
      if (!it->second.reason.empty() && it->second.reason != "None")
        why += " (" + it->second.reason + ")";
      return why + ": SLURM job " + job + " ended before the trial recorded a result" + ending;
    }
  }
  double age = LeaseAge(c, id, now);
  bool lease_expired = age > c.config().hpo.lease_timeout;
  std::string host = runner.value("host", "");
  long pid = runner.value("pid", 0L);
  bool same_host = !host.empty() && host == HostName() && pid > 0;
  bool runner_gone = lease_expired;
  if (same_host) {
    auto ticks = ProcessStartTicks(static_cast<pid_t>(pid));
    runner_gone = !ticks || (runner.contains("pid_start") &&
                             runner["pid_start"].get<unsigned long long>() != *ticks);
  }
  if (!runner_gone) return "";
  std::string gone = same_host ? "runner pid " + std::to_string(pid) + " on " + host + " is gone"
                               : "no lease renewal for " + std::to_string(static_cast<long>(age)) +
                                     " s" + (host.empty() ? "" : " from " + host);
  if (job.empty()) return "lost: " + gone + ending;
  // A job SLURM could not be asked about might still be requeued: only the lease counts.
  if (!jobs) return lease_expired ? "lost: " + gone + "; SLURM could not be asked about job " + job + ending : "";
  return "lost: " + gone + "; SLURM no longer knows job " + job + ending;
}

}  // namespace

bool Better(double a, double b, Mode mode) { return mode == Mode::kMin ? a < b : a > b; }

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

std::vector<TrialRow> ScanCampaign(const Campaign& campaign) {
  auto listed = ListOthers(campaign);
  FinishedLines finished = ScanFinishedLines(campaign);
  std::vector<TrialRow> rows;
  rows.reserve(finished.lines.size());
  for (const auto& line : finished.lines)
    if (auto row = FinishedRow(campaign, finished.format, line)) rows.push_back(std::move(*row));
  size_t n = rows.size();
  for (auto& row : ScanOthers(campaign, listed, finished)) rows.push_back(std::move(row));
  std::inplace_merge(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n), rows.end(),
                     [](const TrialRow& a, const TrialRow& b) { return a.id < b.id; });
  return rows;
}

CollectSummary Collect(const Campaign& campaign, const CollectOptions& options) {
  const Layout& L = campaign.layout();
  const Config& cfg = campaign.config();
  CollectSummary sum;
  double now = NowSeconds();

  // 1. Settle running trials: finish interrupted moves, drop copies that a higher-precedence
  //    state already holds, and fail trials whose runner is gone.
  std::vector<TrialId> running = campaign.List(TrialState::kRunning);
  std::vector<std::pair<TrialId, Record>> live;
  std::vector<std::string> job_ids;
  for (TrialId id : running) {
    std::optional<Record> rec;
    try {
      rec = campaign.Read(TrialState::kRunning, id);
    } catch (const Error& e) {
      Warning(std::string("unreadable running record left alone: ") + e.what());
      continue;
    }
    if (!rec) continue;
    // A claimed record still says "pending" until its runner registers: left alone for the
    // grace, then returned to pending (its runner died in between, or was stopped while
    // giving it back). claim.hpp.
    if (SettleClaim(campaign, id, *rec, now) != ClaimVerdict::kRegistered) continue;
    if (CompleteInterruptedMove(campaign, TrialState::kRunning, id, *rec)) continue;
    std::string job = RunnerTaskName(RunnerOf(*rec));
    if (!job.empty()) job_ids.push_back(job);
    live.emplace_back(id, std::move(*rec));
  }
  std::optional<std::map<std::string, JobState>> jobs;
  if (!job_ids.empty() && options.slurm) jobs = options.slurm->Query(job_ids);
  // A campaign cancelled by hpo-collect --cancel: the jobs SLURM reports CANCELLED were
  // cancelled by the user, and the reason says so.
  const std::optional<CancelMark> cancelled = ReadCancelMark(campaign);
  for (auto& [id, rec] : live) {
    std::string reason = LostReason(campaign, id, rec, jobs, now);
    if (reason.empty()) continue;
    if (cancelled && reason.rfind("CANCELLED", 0) == 0) reason = DescribeCancel(*cancelled) + ": " + reason;
    if (RemoveLeftover(campaign, id, rec)) continue;
    json info = RunnerOf(rec);
    info["attempt"] = AttemptOf(rec);
    // The runner's last sign of life is the best known end of the attempt (this collect may
    // run hours later); the report's timeline and tables need one.
    double age = LeaseAge(campaign, id, now);
    double last_alive = age < 0 ? now : now - age;
    if (info.contains("start_time") && info["start_time"].is_number())
      last_alive = std::max(last_alive, info["start_time"].get<double>());
    info["end_time"] = last_alive;
    Failure failure;
    failure.reason = reason;
    failure.stderr_tail = ReadLogTail(L.trial_stderr(id));
    if (!failure.stderr_tail.empty()) failure.stderr_log = L.trial_stderr(id).string();
    failure.additional_info = info;
    failure.end_time = now;
    MarkFailed(rec, failure);
    // Re-check: the runner may have published in the meantime; never clobber that.
    if (campaign.Find(id) != TrialState::kRunning) continue;
    campaign.Write(TrialState::kRunning, id, rec);
    campaign.Move(id, TrialState::kRunning, TrialState::kFailed);
    ++sum.lost;
    Warning("trial " + std::to_string(id) + ": " + reason);
  }

  for (TrialId id : campaign.List(TrialState::kFailed)) {
    try {
      if (auto rec = campaign.Read(TrialState::kFailed, id))
        CompleteInterruptedMove(campaign, TrialState::kFailed, id, *rec);
    } catch (const Error& e) {
      Warning(std::string("unreadable failed record left alone: ") + e.what());
    }
  }

  RemoveStaleTemps(L, now);

  // 2. Scan. Finished trials stay index lines: only the best one becomes a row.
  auto listed = ListOthers(campaign);
  FinishedLines finished = ScanFinishedLines(campaign);
  std::vector<TrialRow> others = ScanOthers(campaign, listed, finished);
  for (TrialState s : kAllStates) sum.counts[s] = 0;
  sum.counts[TrialState::kFinished] = static_cast<std::int64_t>(finished.lines.size());
  if (!finished.lines.empty()) sum.n_trials = finished.lines.back().id + 1;
  // The best: ties go to the lowest id, as in a scan in id order.
  auto better = [&](double m, TrialId id) {
    return !sum.best_metric || Better(m, *sum.best_metric, cfg.hpo.mode) ||
           (m == *sum.best_metric && id < *sum.best_id);
  };
  const FinishedLines::Line* best_line = nullptr;
  for (const auto& l : finished.lines)
    if (!std::isnan(l.metric) && better(l.metric, l.id)) {
      sum.best_metric = l.metric;
      sum.best_id = l.id;
      best_line = &l;
    }
  const TrialRow* best_row = nullptr;
  for (const auto& r : others) {
    ++sum.counts[r.state];
    sum.n_trials = std::max<std::int64_t>(sum.n_trials, r.id + 1);
    if (r.state == TrialState::kFinished && r.metric && better(*r.metric, r.id)) {
      sum.best_metric = r.metric;
      sum.best_id = r.id;
      best_row = &r;
    }
  }
  if (best_row) {
    sum.best_config = best_row->Config();
  } else if (best_line) {
    auto row = FinishedRow(campaign, finished.format, *best_line);
    sum.best_config = row ? row->Config() : json::object();
  }
  if (!options.write_outputs) return sum;

  // 3. Outputs, each published atomically.
  json counts = json::object();
  for (TrialState s : kAllStates) counts[StateName(s)] = sum.counts[s];
  json final_results = {
      {"best_config", sum.best_id ? sum.best_config : json()},
      {"best_error", sum.best_metric ? json(*sum.best_metric) : json()},
      {"best_trial_id", sum.best_id ? json(*sum.best_id) : json()},
      {"metric", cfg.hpo.metric},
      {"mode", cfg.hpo.mode == Mode::kMin ? "min" : "max"},
      {"n_trials", sum.n_trials},
      {"counts", counts},
      {"updated_at", NowSeconds()}};
  WriteFileAtomic(L.final_results(), final_results.dump(2) + "\n", Publish::kReplace, L.tmp_dir());
  if (sum.best_id)
    WriteIfChanged(L.best_config(), sum.best_config.dump(2) + "\n", L.tmp_dir());
  // results.csv is derived from the records and rewritten by every collect: published
  // atomically but not flushed (15 MB at 100,000 trials; a crash costs one more collect).
  WriteIfChanged(L.results_csv(), Csv(campaign, finished, others), L.tmp_dir(), Durability::kNoSync);
  return sum;
}

std::string FormatSummary(const Campaign& campaign, const CollectSummary& s) {
  std::ostringstream out;
  // Trials, counted (s.n_trials is the largest id + 1: ids 1000-1002 are 3 trials, not 1003).
  std::int64_t trials = 0;
  for (const auto& [state, n] : s.counts) trials += n;
  out << campaign.layout().root().string() << ": " << trials
      << " trials: " << s.counts.at(TrialState::kFinished) << " finished, "
      << s.counts.at(TrialState::kRunning) << " running, " << s.counts.at(TrialState::kPending)
      << " pending, " << s.counts.at(TrialState::kFailed) << " failed";
  if (s.lost) out << " (" << s.lost << " newly settled as failed)";
  out << "\n";
  if (s.best_id)
    out << "best " << campaign.config().hpo.metric << " " << json(*s.best_metric).dump()
        << " (trial " << *s.best_id << "): " << s.best_config.dump() << "\n";
  else
    out << "no finished trial yet\n";
  return out.str();
}

}  // namespace hpo
