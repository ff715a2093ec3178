// One parallel scan of a CSV object's data records: blocks come from a CsvReadAhead (read
// outside any lock, ahead of parsing for remote objects), are parsed on the shared thread pool
// and handed to the consumer by the thread that parsed them. Line numbers of rejects are fixed
// up afterwards from per-block newline counts.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/progress.h"
#include "common/status.h"
#include "engine/csv_parser.h"
#include "engine/csv_read_ahead.h"
#include "storage/object_store.h"

namespace sluice::engine {

struct CsvScanSource {
  const storage::ObjectReader* reader = nullptr;
  std::string uri;           // for messages
  int64_t data_start = 0;    // offset of the first data record
  int64_t size = 0;          // bytes of the object
  int64_t lines_before = 0;  // '\n' bytes before data_start
  int64_t block_bytes = 4 << 20;
  bool remote = false;  // the reader waits on a network: read ahead, in bigger blocks
};

// Blocks of a remote object are at least this big: fewer requests, each long enough to stream.
inline constexpr int64_t kRemoteBlockBytes = 16 << 20;
// ... except the first ones, from this size doubling: the first block is parsed alone (it is
// the dictionary sample), so the sooner it arrives and the faster it parses the better.
inline constexpr int64_t kRemoteFirstBlockBytes = 4 << 20;

// A string column is dictionary-encoded when its sample has fewer distinct values than
// 1/kDictionaryRatio of its rows, and fewer than kMaxDictionarySample.
inline constexpr int64_t kDictionaryRatio = 8;
inline constexpr int64_t kMaxDictionarySample = 65536;

class CsvScanRun {
 public:
  CsvScanRun(CsvScanSource source, CsvParsePlan plan);

  Status Run(const std::function<Status(Chunk&&)>& consume, ProgressBar* progress, int threads);

  int64_t rows() const { return rows_; }
  int64_t malformed() const { return malformed_; }
  int64_t bytes() const { return bytes_; }
  // The rejected rows with their physical line numbers, ordered by line.
  std::vector<RejectedRow> TakeRejects() { return std::move(rejects_); }

 private:
  using Consumer = std::function<Status(Chunk&&)>;

  void DecideDictionaries(Chunk* sample);
  Status Worker(const Consumer& consume, ProgressBar* progress);
  void Deliver(int64_t index, int64_t file_bytes, CsvParsedBlock parsed, const Consumer& consume,
               ProgressBar* progress);
  void Stop(Status error);
  bool Stopped();
  Status Finish();

  CsvScanSource source_;
  CsvParsePlan plan_;
  CsvReadAhead* blocks_ = nullptr;

  std::mutex mu_;  // guards everything below
  bool stop_ = false;
  Status error_;               // the first error that is not a malformed row
  int64_t failed_block_ = -1;  // FAILFAST: the earliest block holding a malformed row
  RejectedRow failure_;
  std::vector<int64_t> newlines_;                  // per block
  std::vector<std::vector<RejectedRow>> pending_;  // per block, lines local to the block
  int64_t rows_ = 0;
  int64_t malformed_ = 0;
  int64_t bytes_ = 0;
  std::vector<RejectedRow> rejects_;
};

}  // namespace sluice::engine
