#include "results_csv.hpp"

#include <limits>

#include "json_scan.hpp"
#include "results_index.hpp"

namespace hpo {
namespace {

// True when a spreadsheet would take the cell `s` as a formula (OWASP, CSV injection): it
// starts with = + - @, a tab or a carriage return and is not simply a number (-0.5 must
// stay a number for pandas and spreadsheets alike).
bool LooksLikeFormula(std::string_view s) {
  if (s.empty() || std::string_view("=+-@\t\r").find(s[0]) == std::string_view::npos) return false;
  return !JsonNumber(s);
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

}  // namespace

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

std::string ResultsCsv(const Campaign& c, const FinishedLines& finished,
                       const std::vector<TrialRow>& others) {
  const IndexFormat& format = finished.format;
  const std::vector<std::string>& names = format.names;
  std::string out = CsvHeader(c.config()) + "\n";
  size_t bytes = out.size();
  for (const auto& l : finished.lines) bytes += LineCsv(l).size() + 1;
  out.reserve(bytes + others.size() * 256);
  auto other = others.begin();
  auto flush_others = [&](TrialId before) {
    for (; other != others.end() && other->id < before; ++other) {
      if (!IsEnded(other->state)) continue;
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

}  // namespace hpo
