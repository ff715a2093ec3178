#include "engine/csv_reader.h"

#include <mutex>

#include "engine/csv_header.h"
#include "engine/csv_scan.h"
#include "engine/csv_schema.h"

namespace sluice::engine {

namespace {

Status CheckDialect(const CsvReadOptions& options, std::string_view uri) {
  auto bad = [](char c) { return c == '\n' || c == '\r' || c == '\0'; };
  if (bad(options.delimiter) || bad(options.quote) || options.delimiter == options.quote) {
    return Status::InvalidArgument(std::string(uri) +
                                   ": the delimiter and the quote must be two different "
                                   "characters other than CR, LF and NUL");
  }
  return Status::OK();
}

class CsvObjectScanner final : public CsvScanner {
 public:
  CsvObjectScanner(std::unique_ptr<storage::ObjectReader> reader, CsvScanSource source,
                   CsvParsePlan plan, Schema schema)
      : reader_(std::move(reader)),
        source_(std::move(source)),
        plan_(std::move(plan)),
        schema_(std::move(schema)) {
    source_.reader = reader_.get();
  }

  const Schema& schema() const override { return schema_; }
  int64_t size_bytes() const override { return source_.size; }

  Status Scan(const std::function<Status(Chunk&&)>& consume, ProgressBar* progress,
              int threads) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (scanned_) return Status::Internal(source_.uri + ": a CSV scanner scans only once");
      scanned_ = true;
    }
    CsvScanRun run(source_, plan_);
    Status st = run.Run(consume, progress, threads);
    std::lock_guard<std::mutex> lock(mu_);
    stats_.rows = run.rows();
    stats_.malformed = run.malformed();
    stats_.bytes = run.bytes();
    rejects_ = run.TakeRejects();
    return st;
  }

  CsvScanStats stats() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

  std::vector<RejectedRow> TakeRejects() override {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(rejects_);
  }

 private:
  std::unique_ptr<storage::ObjectReader> reader_;
  CsvScanSource source_;
  CsvParsePlan plan_;
  Schema schema_;
  mutable std::mutex mu_;
  bool scanned_ = false;
  CsvScanStats stats_;
  std::vector<RejectedRow> rejects_;
};

}  // namespace

Result<std::unique_ptr<CsvScanner>> CsvScanner::Open(const storage::Location& location,
                                                     CsvReadOptions options) {
  const std::string uri = location.uri.empty() ? location.key : location.uri;
  if (!location.store) return Status::InvalidArgument(uri + ": no object store to read from");
  RETURN_NOT_OK(CheckDialect(options, uri));
  if (options.block_bytes <= 0) options.block_bytes = CsvReadOptions().block_bytes;
  auto reader = location.store->OpenReader(location.key);
  if (!reader.ok()) return reader.status().WithContext("reading " + uri);

  ASSIGN_OR_RETURN(CsvPrologue prologue, ReadCsvPrologue(**reader, options.header,
                                                         options.delimiter, options.quote, uri));
  if (options.header && !prologue.has_record) {
    return Status::ParseError(uri + ": the file is empty, expected a header row");
  }
  Schema schema;
  ASSIGN_OR_RETURN(CsvParsePlan plan, PlanCsvColumns(prologue.names, options, uri, &schema));

  CsvScanSource source;
  source.uri = uri;
  source.data_start = prologue.data_start;
  source.size = (*reader)->Size();
  source.lines_before = prologue.lines;
  source.block_bytes = options.block_bytes;
  source.remote = (*reader)->IsRemote();
  return std::unique_ptr<CsvScanner>(new CsvObjectScanner(std::move(*reader), std::move(source),
                                                          std::move(plan), std::move(schema)));
}

}  // namespace sluice::engine
