// The results index's on-disk format (leveldb's log_format.h): what one segment of
// .index/ holds, its integrity check, and how one finished trial becomes an index line and
// is read back. Shared by the reader and the writer of the index (results_index.hpp).
//
// A segment (Layout::index_segment) is text. Its first line names the format and the results.csv header it was
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
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "layout.hpp"
#include "trial_row.hpp"

namespace hpo {

inline constexpr size_t kIndexFields = 8;
inline constexpr std::string_view kIndexMagic = "hpo-index 5 ";  // the format and its version
inline constexpr std::string_view kIndexEnd = "end ";

// The metric of a finished trial whose record has none (recorded before the campaign's
// metric was changed with --force, or edited by hand): it is counted and listed, never
// dropped, but cannot be the best.
inline constexpr double kNoMetric = std::numeric_limits<double>::quiet_NaN();

// A fast 64-bit hash (8 bytes a step), to tell a segment that a crash cut short or damaged.
std::uint64_t SegmentHash(std::string_view s);

// Appends the last line of a segment whose text so far is `text`.
void AppendSegmentEnd(std::string& text);

// The segment without its last line when that line is there and its hash matches; nullopt
// for a segment cut short or damaged.
std::optional<std::string_view> SegmentBody(std::string_view all);

// What reading and writing index lines needs of the campaign.
struct IndexFormat {
  explicit IndexFormat(const Config& cfg);
  std::vector<std::string> names;  // the space's parameters (results.csv's columns)
  std::vector<std::string> keys;   // the same, in JSON key order
  std::vector<size_t> column_key;  // for each of `names`, its place in `keys`
  std::string header;              // the first line of a segment
};

// Appends the index line of a finished row; false (and nothing appended) when its
// results.csv line holds a tab or a line break. Makes the row's config compact first.
bool AppendIndexLine(std::string& out, TrialRow& r, const IndexFormat& f);

// The full row of an index line (without its newline). A damaged line gives nullopt (its
// file is then read again), never an error.
std::optional<TrialRow> RowFromIndexLine(std::string_view line, const IndexFormat& format);

// A finished trial as an index line: what a collect needs of it without building a row.
struct IndexLine {
  TrialId id;
  double metric;          // kNoMetric (NaN) when the record has none
  std::string_view text;  // without the newline; "" for a trial not in the index
  size_t csv_at;          // where its results.csv line starts in `text`
};

// The id and metric of an index line with all its fields; nullopt for a damaged line.
std::optional<IndexLine> LineHead(std::string_view text);

// The trial's results.csv line (without its newline); "" for a trial not in the index.
inline std::string_view LineCsv(const IndexLine& l) { return l.text.substr(l.csv_at); }

inline bool ById(const IndexLine& a, const IndexLine& b) { return a.id < b.id; }

}  // namespace hpo
