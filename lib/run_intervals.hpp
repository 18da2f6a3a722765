// Run intervals: when each trial ran, how many ran at once (the report's concurrency
// figures), and the greedy assignment of intervals to timeline rows. Pure functions.
#pragma once

#include <vector>

namespace hpo {

// A trial's run interval [start, end) in unix seconds (end = now while it runs).
struct Interval {
  double start = 0, end = 0;
};

// How many trials ran at once.
struct Concurrency {
  int max = 0;       // largest number of overlapping intervals
  double mean = 0;   // time-weighted mean over [first start, last end]
  double first = 0;  // first start
  double last = 0;   // last end
};

// Sweeps the intervals (an interval ending exactly when another starts does not overlap it).
Concurrency MeasureConcurrency(const std::vector<Interval>& intervals);

// Greedy slot assignment for the timeline: by start time, each interval takes the lowest
// slot free at its start. Returns one slot per interval (same order); the number of slots
// used equals MeasureConcurrency(...).max.
std::vector<int> AssignSlots(const std::vector<Interval>& intervals);

}  // namespace hpo
