// The synthetic salary data of design.md §2, one block of rows at a time: the seed's domains,
// a salary that depends on every feature plus noise, and a few zero salaries.
// Private to engine/: datagen.cc schedules the blocks and writes the files.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::engine::salary {

inline constexpr std::string_view kFeaturesHeader =
    "jobId,companyId,jobType,degree,major,industry,yearsExperience,milesFromMetropolis\n";
inline constexpr std::string_view kSalariesHeader = "jobId,salary\n";

// Rows per block: fixed, so that the output does not depend on the thread count.
inline constexpr int64_t kBlockRows = 32768;
// Upper bounds of one formatted row, for sizing buffers.
inline constexpr int64_t kMaxFeatureRowBytes = 96;
inline constexpr int64_t kMaxSalaryRowBytes = 24;
// Beyond this, 13-digit job ids would run out for the train and test files together.
inline constexpr int64_t kMaxRows = 100'000'000'000;

inline constexpr int kCompanies = 63;
inline constexpr int kMaxSalary = 301;

// Which file a block belongs to: each has its own random stream and its own job ids.
enum class Stream { kTrain = 1, kTest = 2 };

// What stays fixed for one generated data set.
struct Model {
  Model(uint64_t seed, int64_t rows);

  uint64_t seed;
  int64_t rows;      // rows per file
  int64_t first_id;  // job id of train row 0; test row i is first_id + rows + i
  std::array<double, kCompanies> company_effect;
};

// Sets `features` to rows [block * kBlockRows, ...) of `stream` as CSV text (no header) and,
// when `salaries` is not null, `salaries` to the matching train_salaries rows. The strings'
// capacity is reused from block to block.
void FormatBlock(const Model& model, Stream stream, int64_t block, std::string* features,
                 std::string* salaries);

// Rows in `block` of a file with `rows` rows.
int64_t BlockRows(int64_t rows, int64_t block);

}  // namespace sluice::engine::salary
