// Tests of lib/report and lib/status (filled in below).
#include "report.hpp"

#include <doctest/doctest.h>
