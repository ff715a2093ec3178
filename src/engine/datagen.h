// The salary data generator (design.md §2): writes train_features.csv, train_salaries.csv and
// test_features.csv with the seed's columns and domains, deterministic for a seed and row count.
// Used by `sluice datagen salary`, the demo, the tests and the benchmarks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/progress.h"
#include "common/status.h"

namespace sluice::engine {

struct SalaryDataOptions {
  int64_t rows = 1000000;  // rows per file
  uint64_t seed = 42;
  std::string out_uri;  // folder: a plain path or a file:// URI
};

struct SalaryDataResult {
  std::vector<std::string> files;  // URIs of the files written, under out_uri
  int64_t rows = 0;                // rows per file (headers not counted)
  int64_t bytes = 0;               // all files together
};

// Generates the three files into options.out_uri, replacing files of the same names (each
// appears whole or not at all). The same seed and row count give the same bytes whatever the
// thread count. `progress` may be null.
Result<SalaryDataResult> GenerateSalaryData(const SalaryDataOptions& options,
                                            ProgressBar* progress);

}  // namespace sluice::engine
