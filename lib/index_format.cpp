#include "index_format.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstring>

#include "json_scan.hpp"
#include "results_csv.hpp"

namespace hpo {

using nlohmann::json;

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

void AppendSegmentEnd(std::string& text) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(SegmentHash(text)));
  text += kIndexEnd;
  text += hex;
  text += '\n';
}

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

IndexFormat::IndexFormat(const Config& cfg) : names(cfg.space.names()), keys(names) {
  std::sort(keys.begin(), keys.end());
  for (const auto& n : names)
    column_key.push_back(static_cast<size_t>(std::find(keys.begin(), keys.end(), n) - keys.begin()));
  header = std::string(kIndexMagic);
  AppendJsonString(header, CsvHeader(cfg));
  header += '\n';
}

namespace {

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

// The columns of results.csv that TrialRow holds: trial_id state metric training_time
// attempt host start_time end_time reason stderr_tail.
constexpr size_t kCsvRowFields = 10;

}  // namespace

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

std::optional<IndexLine> LineHead(std::string_view text) {
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
  return IndexLine{*id, *metric, text, csv};
}

}  // namespace hpo
