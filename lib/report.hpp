// The campaign report, as the tools ask for it: the page written atomically (by default to
// the campaign's report.html, never over one of the campaign's own files), and the same
// summary as plain text for a terminal. What lives where:
//   report_data    options, campaign-wide figures, the rows prepared for drawing
//   report_page    the HTML page (report_sections: summary and tables; plots,
//                  plot_timeline and plot_pruning: the SVG plots, built from svg and
//                  plot_axis)
//   report_curves  the trials' learning curves as the page draws them
//   report_pruning early stopping's figures: rung occupancy, compute saved
//   text_format    numbers, durations and times for people (also used by the status)
//   html_escape    escaping for the page
#pragma once

#include <boost/filesystem/path.hpp>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "collect.hpp"
#include "report_data.hpp"

namespace hpo {

// The summary for a terminal: counts, best trial and configuration, time used, concurrency,
// with early stopping the rungs' occupancy and the compute saved, the best few trials and
// the most frequent failure reasons.
std::string RenderReportText(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& options);

// Scans the campaign and writes the page atomically to `output` (the campaign's
// report.html when empty). Refuses (UsageError) an `output` that is, or lies in, one of the
// campaign's own entries. Returns the path written.
fs::path WriteReport(const Campaign& campaign, const fs::path& output,
                     const ReportOptions& options);

}  // namespace hpo
