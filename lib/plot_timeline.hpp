// The report's timeline of runs: for small campaigns one bar per trial on the row of the
// concurrent slot it took (coloured by state, a tooltip each); above max_points intervals
// the mean number of trials running per pixel column as an area, failures as marks below.
#pragma once

#include <string>
#include <vector>

#include "report_data.hpp"

namespace hpo {

// The whole timeline SVG (d.have_times must hold).
std::string PlotTimeline(const ReportData& d);

// The time-weighted mean number of running intervals in each of `cols` equal columns of
// [t0, t_end), from one sweep over the sorted start and end events (time after t_end is not
// counted).
std::vector<double> MeanRunningPerColumn(const std::vector<Interval>& intervals, double t0,
                                         double t_end, int cols);

}  // namespace hpo
