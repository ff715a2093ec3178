// Parallel RFC 4180 CSV scanning into columnar chunks (design.md §6 for malformed rows).
// Blocks are split sequentially at record boundaries that respect quotes, then parsed in
// parallel on the shared thread pool; each parsed block is handed to the consumer at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/progress.h"
#include "common/status.h"
#include "engine/column.h"
#include "engine/csv_options.h"
#include "storage/object_store.h"

namespace sluice::engine {

struct RejectedRow {
  int64_t line = 0;     // 1-based physical line where the record starts (header = line 1)
  std::string reason;   // "expected 8 fields, found 3" / "column salary: 'abc' is not an int64"
  std::string record;   // the raw record text, without its line terminator
};

struct CsvScanStats {
  int64_t rows = 0;          // rows delivered to the consumer
  int64_t malformed = 0;     // rows dropped (DROPMALFORMED) or rejected (PERMISSIVE)
  int64_t bytes = 0;         // bytes read
};

class CsvScanner {
 public:
  // Opens the object and reads the header (when options.header) to fix the schema.
  // Errors name the file: missing file, empty file, header not matching `options.schema`,
  // unknown names in `options.columns` or `options.column_types`.
  static Result<std::unique_ptr<CsvScanner>> Open(const storage::Location& location,
                                                  CsvReadOptions options);
  virtual ~CsvScanner() = default;

  // The schema of the chunks delivered: the projected columns, in file order.
  virtual const Schema& schema() const = 0;
  // Size of the object in bytes.
  virtual int64_t size_bytes() const = 0;

  // Reads the whole object, calling `consume` with each chunk (sequence = block index in
  // file order) from up to `threads` threads at once (0 = the pool's parallelism).
  // String columns that repeat (decided from a sample of the first block) are dictionary
  // encoded with one Dictionary per column for the whole scan; others are plain, their
  // bytes copied into buffers owned by the chunk. FAILFAST: the first malformed row stops
  // the scan with ParseError "<uri>:<line>: <reason>". The first error from `consume`
  // stops the scan and is returned. `progress` (may be null) gets bytes and rows.
  virtual Status Scan(const std::function<Status(Chunk&&)>& consume, ProgressBar* progress,
                      int threads = 0) = 0;

  virtual CsvScanStats stats() const = 0;
  // PERMISSIVE only: the rejected rows, ordered by line.
  virtual std::vector<RejectedRow> TakeRejects() = 0;
};

}  // namespace sluice::engine
