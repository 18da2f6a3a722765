#include "error.hpp"

#include <cstring>

namespace hpo {

std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace hpo
