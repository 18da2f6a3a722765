#include "run_intervals.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <utility>

namespace hpo {

Concurrency MeasureConcurrency(const std::vector<Interval>& intervals) {
  Concurrency c;
  if (intervals.empty()) return c;
  std::vector<std::pair<double, int>> ev;
  ev.reserve(intervals.size() * 2);
  double busy = 0;
  c.first = std::numeric_limits<double>::infinity();
  c.last = -c.first;
  for (const auto& i : intervals) {
    ev.push_back({i.start, +1});
    ev.push_back({i.end, -1});  // sorts before a +1 at the same time: touching is no overlap
    busy += i.end - i.start;
    c.first = std::min(c.first, i.start);
    c.last = std::max(c.last, i.end);
  }
  std::sort(ev.begin(), ev.end());
  int running = 0;
  for (const auto& e : ev) c.max = std::max(c.max, running += e.second);
  c.mean = c.last > c.first ? busy / (c.last - c.first) : c.max;
  return c;
}

std::vector<int> AssignSlots(const std::vector<Interval>& intervals) {
  std::vector<size_t> order(intervals.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return intervals[a].start < intervals[b].start; });
  using Busy = std::pair<double, int>;  // (end, slot)
  std::priority_queue<Busy, std::vector<Busy>, std::greater<Busy>> busy;
  std::priority_queue<int, std::vector<int>, std::greater<int>> free;
  int slots = 0;
  std::vector<int> slot(intervals.size(), 0);
  for (size_t i : order) {
    while (!busy.empty() && busy.top().first <= intervals[i].start) {
      free.push(busy.top().second);
      busy.pop();
    }
    int s;
    if (free.empty()) {
      s = slots++;
    } else {
      s = free.top();
      free.pop();
    }
    slot[i] = s;
    busy.push({intervals[i].end, s});
  }
  return slot;
}

}  // namespace hpo
