// Whether the campaign's metric is minimised or maximised (hpo.mode).
#pragma once

namespace hpo {

enum class Mode { kMin, kMax };

}  // namespace hpo
