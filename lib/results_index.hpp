// The results index (.index/): hpo-collect's cache of parsed finished results, so that a
// repeated collect parses only new files. Reading it, parsing the result files it does not
// hold, and appending or merging segments; the format of a segment is in index_format.hpp.
// The index is a cache: trouble with it costs speed, never a result.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atomic_file.hpp"
#include "campaign.hpp"
#include "index_format.hpp"
#include "trial_row.hpp"

namespace hpo {

// The finished trials as lines of the results index, one per trial, in id order. A collect
// needs of each only the id, the metric and its results.csv line, all in the line: it
// builds no row for them.
struct FinishedLines {
  using Line = IndexLine;
  explicit FinishedLines(const Config& cfg) : format(cfg) {}
  IndexFormat format;                                     // how the lines are written
  std::vector<std::unique_ptr<MappedFile>> segments;      // what the lines point into:
  std::vector<std::unique_ptr<const std::string>> texts;  // index segments and new lines
  std::vector<Line> lines;
};

// Reads the index, parses the results/ files it does not hold (on two threads: the cost is
// per file and independent), and appends a segment with them; or merges all segments into
// one when there are too many or one was written for another results.csv header (the
// campaign's space changed).
FinishedLines ScanFinishedLines(const Campaign& campaign);

// The full row of a finished trial from its index line, or from its file when the line is
// damaged; nullopt when neither can be read (the reason is printed).
std::optional<TrialRow> FinishedRow(const Campaign& campaign, const IndexFormat& format,
                                    const FinishedLines::Line& line);

}  // namespace hpo
