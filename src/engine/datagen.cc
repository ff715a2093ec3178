// Drives the salary model: blocks of rows are formatted in parallel on the shared pool, a batch
// at a time, and written in block order, so memory stays flat and the bytes never depend on
// the thread count.
#include "engine/datagen.h"

#include <algorithm>

#include "common/thread_pool.h"
#include "engine/object_sink.h"
#include "engine/salary_model.h"
#include "storage/object_store.h"

namespace sluice::engine {

namespace {

constexpr std::string_view kTrainFeatures = "train_features.csv";
constexpr std::string_view kTrainSalaries = "train_salaries.csv";
constexpr std::string_view kTestFeatures = "test_features.csv";
// Rough bytes per row of the three files together, for the progress bar's total.
constexpr int64_t kApproxBytesPerRow = 59 + 21 + 59;

// Writes the rows of `stream` to `features` (and `salaries` for the train stream).
Status WriteStream(const salary::Model& model, salary::Stream stream, ObjectSink* features,
                   ObjectSink* salaries, ProgressBar* progress) {
  RETURN_NOT_OK(features->Append(salary::kFeaturesHeader));
  if (salaries) RETURN_NOT_OK(salaries->Append(salary::kSalariesHeader));
  ThreadPool& pool = ThreadPool::Default();
  int64_t blocks = (model.rows + salary::kBlockRows - 1) / salary::kBlockRows;
  int64_t batch = 2 * pool.parallelism();
  std::vector<std::string> feature_text(batch), salary_text(batch);
  for (int64_t first = 0; first < blocks; first += batch) {
    int64_t n = std::min(batch, blocks - first);
    RETURN_NOT_OK(pool.ParallelFor(static_cast<size_t>(n), [&](size_t i) {
      salary::FormatBlock(model, stream, first + static_cast<int64_t>(i), &feature_text[i],
                          salaries ? &salary_text[i] : nullptr);
      return Status::OK();
    }));
    for (int64_t i = 0; i < n; ++i) {
      RETURN_NOT_OK(features->Append(feature_text[i]));
      int64_t bytes = static_cast<int64_t>(feature_text[i].size());
      if (salaries) {
        RETURN_NOT_OK(salaries->Append(salary_text[i]));
        bytes += static_cast<int64_t>(salary_text[i].size());
      }
      if (progress) {
        progress->AddRows(salary::BlockRows(model.rows, first + i));
        progress->AddBytes(bytes);
      }
    }
  }
  return Status::OK();
}

Status Generate(const salary::Model& model, const storage::Location& out, ProgressBar* progress,
                SalaryDataResult* result) {
  ASSIGN_OR_RETURN(auto train_features, ObjectSink::Open(out, kTrainFeatures));
  ASSIGN_OR_RETURN(auto train_salaries, ObjectSink::Open(out, kTrainSalaries));
  ASSIGN_OR_RETURN(auto test_features, ObjectSink::Open(out, kTestFeatures));
  RETURN_NOT_OK(WriteStream(model, salary::Stream::kTrain, train_features.get(),
                            train_salaries.get(), progress));
  RETURN_NOT_OK(WriteStream(model, salary::Stream::kTest, test_features.get(), nullptr, progress));
  // Published only once every file is complete, so a failure leaves none of them half-new.
  std::pair<std::string_view, ObjectSink*> files[] = {{kTrainFeatures, train_features.get()},
                                                      {kTrainSalaries, train_salaries.get()},
                                                      {kTestFeatures, test_features.get()}};
  for (auto [name, sink] : files) {
    RETURN_NOT_OK(sink->Close());
    result->files.push_back(storage::JoinUri(out.uri, name));
    result->bytes += sink->bytes();
  }
  return Status::OK();
}

}  // namespace

Result<SalaryDataResult> GenerateSalaryData(const SalaryDataOptions& options,
                                            ProgressBar* progress) {
  if (options.rows < 0 || options.rows > salary::kMaxRows) {
    return Status::InvalidArgument("rows must be between 0 and " +
                                   std::to_string(salary::kMaxRows) + ", got " +
                                   std::to_string(options.rows));
  }
  if (options.out_uri.empty()) return Status::InvalidArgument("no output folder given");
  ASSIGN_OR_RETURN(storage::Location out, storage::ResolveUri(options.out_uri));
  if (progress) progress->AddTotalBytes(options.rows * kApproxBytesPerRow);
  salary::Model model(options.seed, options.rows);
  SalaryDataResult result;
  result.rows = options.rows;
  RETURN_NOT_OK(Generate(model, out, progress, &result)
                    .WithContext("generating salary data in " + options.out_uri));
  return result;
}

}  // namespace sluice::engine
