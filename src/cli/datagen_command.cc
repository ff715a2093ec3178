// `sluice datagen salary --rows N [--seed S] --out DIR`: writes the salary data set (design §2).
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "engine/datagen.h"
#include "storage/object_store.h"

namespace sluice::cli {

namespace {

std::string HumanBytes(int64_t bytes) {
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof(buf), "%lld B", static_cast<long long>(bytes));
  } else if (bytes < (1 << 20)) {
    std::snprintf(buf, sizeof(buf), "%.1f KiB", bytes / 1024.0);
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f MiB", bytes / 1048576.0);
  }
  return buf;
}

// The size of a written file, for the summary; 0 if it cannot be read back.
int64_t SizeOf(const std::string& uri) {
  auto location = storage::ResolveUri(uri);
  if (!location.ok()) return 0;
  auto info = location->store->Head(location->key);
  return info.ok() ? info->size : 0;
}

int RunSalary(const engine::SalaryDataOptions& options) {
  auto start = std::chrono::steady_clock::now();
  ProgressBar progress("generating salary data", 0);
  auto result = engine::GenerateSalaryData(options, &progress);
  progress.Finish();
  if (!result.ok()) {
    std::fprintf(stderr, "sluice: %s\n", result.status().message().c_str());
    return 1;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const std::string& file : result->files) {
    std::printf("%-60s %12lld rows %12s\n", file.c_str(), static_cast<long long>(result->rows),
                HumanBytes(SizeOf(file)).c_str());
  }
  std::printf("wrote %zu files, %s, in %.2f s (seed %llu)\n", result->files.size(),
              HumanBytes(result->bytes).c_str(), seconds,
              static_cast<unsigned long long>(options.seed));
  return 0;
}

}  // namespace

void RegisterDatagen(CLI::App& app, int* exit_code) {
  auto* datagen = app.add_subcommand("datagen", "Generate data sets for demos and benchmarks");
  datagen->require_subcommand(1);
  auto options = std::make_shared<engine::SalaryDataOptions>();
  auto* salary = datagen->add_subcommand(
      "salary", "Write train_features.csv, train_salaries.csv and test_features.csv");
  // The range is checked by the generator, whose message names the limits.
  salary->add_option("--rows", options->rows, "Rows per file")->required();
  salary
      ->add_option("--seed", options->seed,
                   "Random seed: the same seed and rows give the same files")
      ->capture_default_str();
  salary->add_option("--out", options->out_uri, "Folder to write into (a path or file:// URI)")
      ->required();
  salary->callback([options, exit_code] { *exit_code = RunSalary(*options); });
}

}  // namespace sluice::cli
