// results.csv: its columns, how one trial becomes a line (CSV quoting, and cells defused so
// that a spreadsheet never runs one as a formula), how a line is split back into fields (the
// results index keeps each finished trial's line ready), and the whole file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "campaign.hpp"
#include "trial_row.hpp"

namespace hpo {

struct FinishedLines;  // results_index.hpp

// Appends `s` as one CSV field, quoted when it holds a comma, a quote or a line break, and
// with a leading ' when a spreadsheet would run it as a formula (OWASP, CSV injection: it
// starts with = + - @, a tab or a carriage return and is not simply a number).
void AppendCsvField(std::string& out, std::string_view s);

// The first line of results.csv (without its newline).
std::string CsvHeader(const Config& cfg);

// Appends the results.csv line of a finished or failed trial (without its newline);
// `values`: its config's values in column order (ConfigValues).
void AppendCsvRow(std::string& out, const TrialRow& r, const std::vector<std::string_view>& values);

// The first `n` fields of a CSV line, unquoted (into `store` where quoted); false when the
// line has fewer.
bool CsvColumns(std::string_view row, size_t n, std::string_view* out, std::string* store);

// The whole of results.csv: finished and failed trials in id order. (`others` holds finished
// trials too when they reached results/ during the scan.)
std::string ResultsCsv(const Campaign& c, const FinishedLines& finished,
                       const std::vector<TrialRow>& others);

}  // namespace hpo
