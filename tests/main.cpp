// The doctest runner of hpo_tests (the test cases live in test_<module>.cpp).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
