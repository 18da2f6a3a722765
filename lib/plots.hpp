// The report's plots of the metric, each one self-contained SVG: its distribution, its best
// value so far (against completed trials and against wall time), the metric against each
// sampled parameter, and the top trials in parallel coordinates. The timeline of runs is
// plot_timeline's; the building blocks are svg's and plot_axis's.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "layout.hpp"
#include "report_data.hpp"

namespace hpo {

// Histogram of the finished trials' metric over the drawn range, the best marked.
std::string PlotHistogram(const ReportData& d);

// The metric against sampled parameter j (d.dims[j]).
std::string PlotParamScatter(const ReportData& d, std::size_t j);

// A completed trial (finished with a metric, pruned, or failed) for the best-so-far curves.
struct Completion {
  double end;  // end time; NaN when the record has none
  TrialId id;
  std::size_t fin;  // index into d.fin, or npos for a pruned or failed trial
};

// The completed trials by end time; those without one (written by other tools) by id, after
// the others.
std::vector<Completion> Completions(const ReportData& d);

// Best so far against completed trials (`wall` false) or against time since the first start.
std::string PlotHistory(const ReportData& d, const std::vector<Completion>& completions, bool wall);

// The best `top` finished trials (`ranked` from RankedFinished) as lines across one vertical
// axis per sampled parameter and one for the metric.
std::string PlotParallel(const ReportData& d, const std::vector<std::size_t>& ranked,
                         std::size_t top);

}  // namespace hpo
