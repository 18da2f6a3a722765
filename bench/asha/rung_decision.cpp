// Micro-benchmark (on demand): one ASHA decision at a rung holding N values, i.e. what a
// trial pays when it reaches a rung: list the rung folder, parse every name, keep one value
// per trial, select the cut (lib/rung_files + lib/pruner). Beside it, in the same run, the
// limit: the same listing with no parsing at all (readdir only). Prints the median of R
// rounds for each N and the ratio. Built and run by bench/asha/run.sh.
//   rung_decision DIR ROUNDS           the library-level table
//   rung_decision --fill RUNG_DIR N    records N values (trials 1000000 + i) in RUNG_DIR
#include <dirent.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "pruner.hpp"
#include "rung_files.hpp"

namespace fs = boost::filesystem;

namespace {

double Seconds() {
  using C = std::chrono::steady_clock;
  return std::chrono::duration<double>(C::now().time_since_epoch()).count();
}

size_t BareListing(const fs::path& dir) {
  size_t n = 0;
  DIR* d = ::opendir(dir.c_str());
  while (const dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
  ::closedir(d);
  return n;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Fill(const fs::path& rung, int n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < n; ++i) hpo::RecordRungValue(rung, 1000000 + i, u(rng), hpo::Mode::kMin);
}

}  // namespace

int main(int argc, char** argv) {
  std::mt19937_64 rng(1);
  if (argc == 4 && std::strcmp(argv[1], "--fill") == 0) {
    Fill(argv[2], std::atoi(argv[3]), rng);
    return 0;
  }
  fs::path root = argc > 1 ? argv[1] : "/tmp/hpo-bench-rung";
  int rounds = argc > 2 ? std::atoi(argv[2]) : 9;
  hpo::AshaRule rule;
  std::printf("%8s %14s %14s %8s\n", "values", "decision ms", "readdir ms", "ratio");
  for (int n : {1000, 10000, 100000}) {
    fs::path rung = root / ("rung_" + std::to_string(n));
    Fill(rung, n, rng);
    std::vector<double> decide, bare;
    for (int r = 0; r < rounds; ++r) {  // alternating, so drifts hit both alike
      double t0 = Seconds();
      auto entries = hpo::ReadRung(rung, hpo::Mode::kMin);
      std::vector<double> values;
      values.reserve(entries.size());
      for (const auto& e : entries) values.push_back(e.value);
      volatile auto v = hpo::AshaVerdict(0.3, std::move(values), hpo::Mode::kMin, rule);
      (void)v;
      double t1 = Seconds();
      volatile size_t listed = BareListing(rung);
      (void)listed;
      double t2 = Seconds();
      decide.push_back((t1 - t0) * 1e3);
      bare.push_back((t2 - t1) * 1e3);
    }
    double d = Median(decide), b = Median(bare);
    std::printf("%8d %14.2f %14.2f %8.1f\n", n, d, b, d / b);
  }
  fs::remove_all(root);
}
