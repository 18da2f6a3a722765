// Which finished trial is the best: the one rule shared by the collect, the status and the
// report. The best metric under the campaign's mode wins; of equal metrics, the lowest trial
// id (as in a scan in id order); a trial without a finite metric is never the best.
#pragma once

#include <optional>

#include "config.hpp"
#include "layout.hpp"

namespace hpo {

// True when `a` is better than `b` under the campaign's mode.
bool Better(double a, double b, Mode mode);

// The best of the trials offered so far, in any order.
class BestTrial {
 public:
  explicit BestTrial(Mode mode) : mode_(mode) {}

  // Offers a finished trial; true when it is now the best (the caller keeps what it needs of
  // it). An absent or non-finite metric is never taken.
  bool Offer(TrialId id, std::optional<double> metric);

  std::optional<TrialId> id() const { return id_; }          // nullopt until one is taken
  std::optional<double> metric() const { return metric_; }

 private:
  Mode mode_;
  std::optional<TrialId> id_;
  std::optional<double> metric_;
};

}  // namespace hpo
