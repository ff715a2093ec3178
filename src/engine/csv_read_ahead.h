// The blocks of one CSV scan, for many parsing threads at once: byte ranges are claimed under a
// lock and read outside it, so reading overlaps parsing. A local file is read by the thread that
// needs the next block; an object behind a network (ObjectReader::IsRemote) is read ahead, up to
// `ahead` ranges at once, on threads of their own while every core parses.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "common/status.h"
#include "engine/csv_splitter.h"
#include "storage/object_store.h"

namespace sluice::engine {

// Threads that run background reads, shared by every scan of the process.
inline constexpr int kCsvReadThreads = 4;

struct CsvReadAheadOptions {
  int64_t start = 0;  // bytes [start, end) of the object hold the records
  int64_t end = 0;
  int64_t range_bytes = 4 << 20;  // bytes per read, and so per block
  int64_t first_range_bytes = 0;  // a smaller first read, doubling up to range_bytes (0: none)
  char quote = '"';
  int ahead = 2;            // ranges claimed beyond the block being stitched, at most
  bool background = false;  // reads on the read-ahead threads instead of the callers'
};

class CsvReadAhead {
 public:
  CsvReadAhead(const storage::ObjectReader* reader, CsvReadAheadOptions options);
  // Waits for the reads still running.
  ~CsvReadAhead();
  CsvReadAhead(const CsvReadAhead&) = delete;
  CsvReadAhead& operator=(const CsvReadAhead&) = delete;

  // The next block in file order into `block`, waiting for its bytes; false at the end of the
  // data or after Stop. An error is a read error; the reads stop after one.
  Result<bool> Next(CsvBlock* block);
  // Gives a parsed block's buffer back.
  void Recycle(CsvBlock&& block);
  // Makes every Next return false; reads already running finish, no new one starts.
  void Stop();
  int64_t bytes_read() const;

 private:
  // Starts background reads until `ahead` ranges are claimed. Caller holds mu_.
  void StartReads();
  void ReadInBackground(CsvRange* range);

  const storage::ObjectReader* reader_;
  CsvReadAheadOptions options_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable changed_;
  CsvSplitter splitter_;
  bool stopped_ = false;
  int reading_ = 0;  // background reads submitted and not finished
};

}  // namespace sluice::engine
