#include "best_trial.hpp"

#include <cmath>

namespace hpo {

bool Better(double a, double b, Mode mode) { return mode == Mode::kMin ? a < b : a > b; }

bool BestTrial::Offer(TrialId id, std::optional<double> metric) {
  if (!metric || !std::isfinite(*metric)) return false;
  if (metric_ && !Better(*metric, *metric_, mode_) && !(*metric == *metric_ && id < *id_))
    return false;
  id_ = id;
  metric_ = metric;
  return true;
}

}  // namespace hpo
